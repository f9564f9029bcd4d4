// Local administration on the data directory keeps files owner-only and encrypts what it stores under the master
// key; a missing key is a clear configuration error, never a stack trace.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, runCli } from "./helpers.js";

const mode = (path: string) => `0${(statSync(path).mode & 0o777).toString(8)}`;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cuitty-cli-sec-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("local administration with a master key", () => {
  const masterKey = randomBytes(32).toString("base64");
  const env = () => cleanEnv({ CUITTY_MASTER_KEY: masterKey });

  it("stores a new key encrypted, shows its prefix, and refuses to open the data without the master key", async () => {
    const data = join(dir, "data");
    expect((await runCli(["projects", "create", "payments", "--data", data, "--json"], { env: env() })).code).toBe(0);
    const created = await runCli(["keys", "create", "--scope", "ingest", "--data", data, "--json"], { env: env() });
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { apiKey: string };
    const raw = ["deploys.db", "deploys.db-wal"]
      .filter((f) => readdirSync(data).includes(f))
      .map((f) => readFileSync(join(data, f)).toString("latin1"))
      .join("");
    expect(raw.includes(key.apiKey)).toBe(false);
    const list = await runCli(["keys", "list", "--data", data, "--json"], { env: env() });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(key.apiKey.slice(0, 14));

    const without = await runCli(["keys", "list", "--data", data], { env: cleanEnv() });
    expect(without.code).toBe(3);
    expect(without.stderr).toMatch(/encrypted with master key [0-9a-f]{8}, but no master key is configured \[E_CONFIG\]/);
    expect(without.stderr).toContain("fix: set CUITTY_MASTER_KEY");
    expect(without.stderr).not.toMatch(/\n\s+at /);

    const serve = await runCli(["serve", "--port", "0", "--data", data], {
      env: cleanEnv({ CUITTY_MASTER_KEY: randomBytes(32).toString("hex") }),
    });
    expect(serve.code).toBe(3);
    expect(serve.stderr).toMatch(/the server could not start: .* but the configured master key is [0-9a-f]{8} \[E_CONFIG\]/);
    expect(serve.stderr).not.toMatch(/\n\s+at /);
  });

  it("writes backups owner-only", async () => {
    const data = join(dir, "data");
    const target = join(dir, "backups", "today");
    const res = await runCli(["backup", target, "--data", data], { env: env() });
    expect(res.code).toBe(0);
    expect(mode(target)).toBe("0700");
    for (const f of readdirSync(target)) expect(mode(join(target, f)), f).toBe("0600");
    expect(mode(data)).toBe("0700");
    for (const f of readdirSync(data)) expect(mode(join(data, f)), f).toBe("0600");
  });
});
