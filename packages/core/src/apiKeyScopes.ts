// Key scopes (design §4): ingest emits and records, read queries, admin does everything.
export const API_KEY_SCOPES = ["ingest", "read", "admin"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
