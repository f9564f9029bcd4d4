// The data directory is 0700 and every file in it 0600 (databases, -wal/-shm, credentials, backups), whatever
// the umask; a looser mode found at start is tightened, with a warning in the log.
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { backupDatabase } from "@cuitty/db";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { startServer } from "../src/startServer.js";
import { startTestServer } from "../src/testing.js";
import { emit, event, uniq } from "./helpers.js";

const mode = (path: string) => `0${(statSync(path).mode & 0o777).toString(8)}`;
const modes = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, mode(join(dir, f))]));

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cuitty-modes-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("file modes of the data directory", () => {
  it("creates the folder 0700 and every file 0600 even under a umask that allows everything", async () => {
    const dataDir = join(tempDir(), "data");
    const previous = process.umask(0o000);
    cleanup.push(() => void process.umask(previous));
    const server = await startTestServer({ dataDir });
    cleanup.push(() => server.stop());
    expect((await emit(server, event(uniq("m"), "live"))).status).toBe(200);
    expect(mode(dataDir)).toBe("0700");
    const files = modes(dataDir);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(["deploys.db", "deploys.db-wal", "deploys.db-shm", "audit.db", "credentials.json"]),
    );
    for (const [file, m] of Object.entries(files)) expect(m, file).toBe("0600");
  });

  it("writes backups 0600 into a new folder 0700", async () => {
    const server = await startTestServer();
    cleanup.push(() => server.stop());
    const target = join(tempDir(), "backup", "today");
    const written = await backupDatabase(server.db, target);
    expect(written.length).toBeGreaterThan(0);
    expect(mode(target)).toBe("0700");
    for (const [file, m] of Object.entries(modes(target))) expect(m, file).toBe("0600");
  });

  it("tightens a looser folder and files at start and says so in the log", async () => {
    const dataDir = tempDir();
    const first = await startTestServer({ dataDir });
    await first.stop();
    chmodSync(dataDir, 0o755);
    for (const f of readdirSync(dataDir)) chmodSync(join(dataDir, f), 0o644);

    const lines: string[] = [];
    const config = loadConfig({}, { port: 0, host: "127.0.0.1", dataDir, rateLimit: 0 });
    const server = await startServer(config, { extensions: [], log: createLogger("warn", (l) => lines.push(l)) });
    cleanup.push(() => server.close());
    expect(mode(dataDir)).toBe("0700");
    for (const [file, m] of Object.entries(modes(dataDir))) expect(m, file).toBe("0600");
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.level === "warn" && /tightened/.test(l.msg));
    expect(warnings.map((w) => w.path)).toEqual(
      expect.arrayContaining([dataDir, join(dataDir, "deploys.db"), join(dataDir, "credentials.json")]),
    );
    expect(warnings.find((w) => w.path === dataDir)).toMatchObject({ was: "0755", now: "0700" });
  });
});
