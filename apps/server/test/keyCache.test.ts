// The key cache is exact: a key issued or revoked through another connection to the data directory (as the
// CLI's local administration does from its own process) counts from the next request on.
import { createApiKey, openDatabase, revokeApiKey } from "@cuitty/db";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing.js";
import { emit, event, uniq } from "./helpers.js";

let server: TestServer;
let other: Awaited<ReturnType<typeof openDatabase>>;
beforeAll(async () => {
  server = await startTestServer();
  // A second, independent opening of the same files: the server's process is never told about its writes.
  other = await openDatabase({ dataDir: server.dataDir });
});
afterAll(async () => {
  other.close();
  await server.stop();
});

it("should refuse a key on the first request after another connection revoked it", async () => {
  const key = await createApiKey(other, server.projectId, "ingest", "ci");
  expect((await emit(server, event(uniq("k"), "building"), key.apiKey)).status).toBe(200);
  expect((await emit(server, event(uniq("k"), "building"), key.apiKey)).status).toBe(200);
  await revokeApiKey(other, key.keyId);
  const refused = await emit(server, event(uniq("k"), "building"), key.apiKey);
  expect(refused.status).toBe(401);
  expect(refused.body.error.data.cuittyCode).toBe("BAD_SIGNATURE");
  // The project's other keys still work.
  expect((await emit(server, event(uniq("k"), "building"))).status).toBe(200);
});

it("should accept a key issued through another connection on the first request after it", async () => {
  expect((await emit(server, event(uniq("k"), "building"))).status).toBe(200);
  const key = await createApiKey(other, server.projectId, "read", "dashboard");
  const answer = await server.request("deploys.list", { input: {}, key: key.apiKey });
  expect(answer.status).toBe(200);
});
