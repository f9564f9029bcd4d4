// With a master key, API keys and hook secrets are stored as AES-256-GCM ciphertext: the raw files never hold
// them, signed requests still work, plaintext rows are encrypted at start, the key rotates, and a missing or
// wrong key stops the start with a clear error.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MasterKeyError, rollbackHookSecret } from "@cuitty/db";
import { loadConfig } from "../src/config.js";
import { startServer } from "../src/startServer.js";
import { type TestServer, startTestServer } from "../src/testing.js";
import { emit, event, uniq } from "./helpers.js";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cuitty-enc-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const newKey = () => randomBytes(32);

/** The bytes of every file of a module (the database and its WAL), as one latin1 string to search in. */
function rawBytes(dataDir: string, module: string): string {
  return ["", "-wal"]
    .map((suffix) => join(dataDir, `${module}.db${suffix}`))
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString("latin1"))
    .join("\n");
}

async function storedSecrets(server: TestServer): Promise<string[]> {
  const q = async (module: "deploys" | "hooks", sql: string) => (await server.db.clients[module].execute(sql)).rows.map((r) => String(r.v));
  return [
    ...(await q("deploys", "SELECT secret AS v FROM api_keys")),
    ...(await q("deploys", "SELECT secret AS v FROM rollback_hook_secrets")),
    ...(await q("hooks", "SELECT secret AS v FROM hook_subscriptions")),
  ];
}

async function start(dataDir: string, masterKeys: { current?: Buffer; previous?: Buffer[] }) {
  const server = await startTestServer({ dataDir, config: { masterKeys } });
  cleanup.push(() => server.stop());
  return server;
}

/** Every secret this server holds, made to exist: its keys, a rollback hook secret and a hook subscription's. */
async function withAllSecrets(server: TestServer) {
  expect((await emit(server, event(uniq("e"), "live"))).status).toBe(200);
  const hookSecret = await rollbackHookSecret(server.db, server.projectId, "production");
  const subscriptionSecret = `sub-secret-${randomBytes(12).toString("hex")}`;
  expect((await server.request("hooks.add", { input: { url: "http://127.0.0.1:9/events", secret: subscriptionSecret } })).status).toBe(200);
  return { ...server.keys, hookSecret, subscriptionSecret };
}

describe("encryption at rest", () => {
  it("keeps every key and hook secret out of the raw files while signed requests still work", async () => {
    const dataDir = tempDir();
    const server = await start(dataDir, { current: newKey() });
    const secrets = await withAllSecrets(server);
    expect((await server.request("deploys.list", { input: {}, key: server.keys.read })).status).toBe(200);
    expect((await server.request("hooks.list", { key: server.keys.admin })).status).toBe(200);
    for (const stored of await storedSecrets(server)) expect(stored).toMatch(/^enc:v1:[0-9a-f]{8}:/);
    const raw = rawBytes(dataDir, "deploys") + rawBytes(dataDir, "hooks");
    for (const [name, secret] of Object.entries(secrets)) expect(raw.includes(secret), name).toBe(false);
    // The rollback hook secret and a hook subscription's still open for their receivers.
    expect(await rollbackHookSecret(server.db, server.projectId, "production")).toBe(secrets.hookSecret);
  });

  it("encrypts the plaintext secrets of an existing data directory at the first start with a master key", async () => {
    const dataDir = tempDir();
    const plain = await startTestServer({ dataDir });
    const secrets = await withAllSecrets(plain);
    await plain.stop();
    expect(rawBytes(dataDir, "deploys").includes(secrets.admin)).toBe(true); // as issued, before

    const server = await start(dataDir, { current: newKey() });
    for (const stored of await storedSecrets(server)) expect(stored).toMatch(/^enc:v1:/);
    expect((await emit(server, event(uniq("e"), "live"), secrets.ingest)).status).toBe(200);
    expect((await server.request("deploys.list", { input: {}, key: secrets.admin })).status).toBe(200);
    const raw = rawBytes(dataDir, "deploys") + rawBytes(dataDir, "hooks");
    for (const [name, secret] of Object.entries(secrets)) expect(raw.includes(secret), name).toBe(false);
  });

  it("rotates the master key: the previous key decrypts once, every secret is re-encrypted under the new one", async () => {
    const dataDir = tempDir();
    const [oldKey, nextKey] = [newKey(), newKey()];
    const first = await start(dataDir, { current: oldKey });
    const secrets = await withAllSecrets(first);
    const oldIds = new Set((await storedSecrets(first)).map((s) => s.split(":")[2]));
    await first.stop();

    const rotated = await start(dataDir, { current: nextKey, previous: [oldKey] });
    const newIds = new Set((await storedSecrets(rotated)).map((s) => s.split(":")[2]));
    expect(newIds.size).toBe(1);
    expect([...newIds][0]).not.toBe([...oldIds][0]);
    await rotated.stop();

    const after = await start(dataDir, { current: nextKey });
    expect((await emit(after, event(uniq("e"), "live"), secrets.ingest)).status).toBe(200);
    expect(await rollbackHookSecret(after.db, after.projectId, "production")).toBe(secrets.hookSecret);
  });

  it("refuses to start without the master key, or with another one, naming the cause and the fix", async () => {
    const dataDir = tempDir();
    const first = await start(dataDir, { current: newKey() });
    await first.stop();
    const attempt = (masterKeys: { current?: Buffer }) =>
      startServer(loadConfig({}, { port: 0, host: "127.0.0.1", dataDir, logLevel: "silent", masterKeys }), { extensions: [] });

    const missing = await attempt({}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(MasterKeyError);
    expect((missing as MasterKeyError).message).toMatch(/encrypted with master key [0-9a-f]{8}, but no master key is configured/);
    expect((missing as MasterKeyError).hint).toContain("CUITTY_MASTER_KEY");

    const wrong = await attempt({ current: newKey() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(wrong).toBeInstanceOf(MasterKeyError);
    expect((wrong as MasterKeyError).message).toMatch(/but the configured master key is [0-9a-f]{8}/);
  });
});

describe("master key configuration", () => {
  it("reads the key from CUITTY_MASTER_KEY as base64 or hex, or from a file outside the data directory", async () => {
    const key = newKey();
    const base64 = loadConfig({ CUITTY_MASTER_KEY: key.toString("base64") });
    expect(Buffer.from(base64.masterKeys.current!)).toEqual(key);
    expect(Buffer.from(loadConfig({ CUITTY_MASTER_KEY: key.toString("hex") }).masterKeys.current!)).toEqual(key);
    const dir = tempDir();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dir, "master.key"), `${key.toString("base64")}\n`);
    const fromFile = loadConfig({ CUITTY_MASTER_KEY_FILE: join(dir, "master.key"), CUITTY_DATA_DIR: join(dir, "data") });
    expect(Buffer.from(fromFile.masterKeys.current!)).toEqual(key);
    expect(() => loadConfig({ CUITTY_MASTER_KEY_FILE: join(dir, "master.key"), CUITTY_DATA_DIR: dir })).toThrow(
      /inside the data directory/,
    );
  });

  it("refuses a key that is not 32 bytes, naming the variable", () => {
    expect(() => loadConfig({ CUITTY_MASTER_KEY: "hunter2" })).toThrow(/CUITTY_MASTER_KEY is not a 32-byte key.*openssl rand -base64 32/);
    expect(() => loadConfig({ CUITTY_MASTER_KEY_PREVIOUS: "short" })).toThrow(/CUITTY_MASTER_KEY_PREVIOUS/);
  });
});
