// First start: a project and an admin key, written to <data>/credentials.json (mode 0600) for scripts.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CredentialsFile, credentialsFileSchema } from "@cuitty/core";
import { type Database, createApiKey, createProject, getProject, listProjects } from "@cuitty/db";

export type { CredentialsFile };

export function credentialsPath(dataDir: string): string {
  return join(dataDir, "credentials.json");
}

export function readCredentials(dataDir: string): CredentialsFile | undefined {
  const file = credentialsPath(dataDir);
  if (!existsSync(file)) return undefined;
  // A file that is not ours (edited by hand, another tool's) counts as none: the first start then writes a new one.
  const parsed = credentialsFileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  return parsed.success ? parsed.data : undefined;
}

export function writeCredentials(dataDir: string, creds: CredentialsFile): string {
  const file = credentialsPath(dataDir);
  writeFileSync(file, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/**
 * Creates the first project and admin key when the database has none.
 * Returns the credentials when they were just created (to be printed once), else undefined.
 */
export async function ensureFirstProject(db: Database, dataDir: string, portalUrl: string) {
  const existing = readCredentials(dataDir);
  if (existing && (await getProject(db, existing.projectId))) {
    if (existing.portalUrl !== portalUrl) writeCredentials(dataDir, { ...existing, portalUrl });
    return { created: false as const, credentials: { ...existing, portalUrl }, file: credentialsPath(dataDir) };
  }
  if ((await listProjects(db)).length > 0) return { created: false as const, credentials: undefined, file: undefined };
  const project = await createProject(db, "default");
  const key = await createApiKey(db, project.id, "admin", "first admin key");
  const credentials = { portalUrl, projectId: project.id, apiKey: key.apiKey };
  const file = writeCredentials(dataDir, credentials);
  return { created: true as const, credentials, file };
}
