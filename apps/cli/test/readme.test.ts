// The README's cURL example, run as written (bash, openssl, curl) against a started server.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ServeProcess, startServe } from "./serveProcess.js";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const block = readme.split("<!-- readme-curl:start -->")[1]!.split("<!-- readme-curl:end -->")[0]!;
const script = block.replace(/^\s*```sh\n/, "").replace(/```\s*$/, "");

let dir: string;
let serve: ServeProcess;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cuitty-readme-"));
  serve = await startServe(join(dir, ".cuitty"), dir);
});
afterAll(async () => {
  serve.child.kill("SIGTERM");
  await serve.exited;
  rmSync(dir, { recursive: true, force: true });
});

it("should record, list, fetch, and show the README's deploy in its timeline and as current", async () => {
  expect(script).toContain("openssl dgst -sha256 -hmac");
  const { stdout } = await promisify(execFile)("bash", ["-euo", "pipefail", "-c", script], { cwd: dir, timeout: 30_000 });
  const answers = stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(answers).toHaveLength(5);
  const [emitted, list, one, timeline, current] = answers.map((a) => a.result?.data ?? a);
  expect(emitted.changed).toBe(true);
  expect(emitted.deploy).toMatchObject({ externalKey: "ci-991", status: "live", environment: "production", version: "v1.4.2" });
  expect(list.items.map((d: { externalKey: string }) => d.externalKey)).toEqual(["ci-991"]);
  expect(one).toMatchObject({ id: 1, commitSha: "0a1b2c3d", branch: "main" });
  expect(one.events).toHaveLength(1);
  expect(timeline.items[0]).toMatchObject({ externalKey: "ci-991", current: true });
  expect(current).toEqual([{ environment: "production", deploy: expect.objectContaining({ id: 1 }) }]);
});
