// `cuitty deploy run` reports deploying, runs the command, reports its outcome and exits with its code.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "@cuitty/server/testing";
import { cleanEnv, connection, deployByKey, runCli } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const env = () => cleanEnv(connection(server, "ingest"));
const run = (key: string, ...command: string[]) => ["deploy", "run", "--env", "production", "--deploy", key, "--", ...command];

describe("cuitty deploy run", () => {
  it("reports deploying then live for a succeeding command, passes its output through and exits 0", async () => {
    const result = await runCli(run("run-ok", process.execPath, "-e", "console.log('deploying the app')"), { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("deploying the app");
    const deploy = await deployByKey(server, "run-ok");
    expect(deploy.status).toBe("live");
    expect(deploy.events.map((e: { toStatus: string }) => e.toStatus)).toEqual(["deploying", "live"]);
  });

  it("reports failed with the exit code as reason and exits with the command's code", async () => {
    const result = await runCli(run("run-fail", process.execPath, "-e", "console.error('boom'); process.exit(3)"), { env: env() });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("boom");
    const deploy = await deployByKey(server, "run-fail");
    expect(deploy.status).toBe("failed");
    expect(deploy.events.at(-1)).toMatchObject({ toStatus: "failed", reason: "exit code 3" });
  });

  it("passes options after the command name to the command, not to the CLI", async () => {
    const result = await runCli(
      [
        "deploy",
        "run",
        "--env",
        "production",
        "--deploy",
        "run-args",
        process.execPath,
        "-e",
        "process.exit(process.argv.includes('--fast') ? 0 : 9)",
        "--",
        "--fast",
      ],
      { env: env() },
    );
    expect(result.code).toBe(0);
  });

  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const) {
    it(`reports failed on ${signal}, passes the signal to the command and exits ${code}`, async () => {
      // The command says "ready" and waits; it records the signal it gets so we can see it was forwarded.
      const script = `process.on('${signal}', () => { console.log('child got ${signal}'); process.exit(1); }); console.log('ready'); setTimeout(() => {}, 60000);`;
      let sent = false;
      const result = await runCli(run(`run-${signal}`, process.execPath, "-e", script), {
        env: env(),
        onStdout(child, chunk) {
          if (!sent && chunk.includes("ready")) {
            sent = true;
            child.kill(signal);
          }
        },
      });
      expect(result.stdout).toContain(`child got ${signal}`);
      expect(result.code).toBe(code);
      const deploy = await deployByKey(server, `run-${signal}`);
      expect(deploy.status).toBe("failed");
      expect(deploy.events.at(-1)?.reason).toBe(`interrupted by ${signal}`);
    });
  }

  it("reports failed and exits 127 when the command does not exist", async () => {
    const result = await runCli(run("run-missing", "cuitty-no-such-command"), { env: env() });
    expect(result.code).toBe(127);
    expect((await deployByKey(server, "run-missing")).status).toBe("failed");
  });

  it("prints one JSON summary line with --json", async () => {
    const result = await runCli(
      ["deploy", "run", "--env", "production", "--deploy", "run-json", "--json", "--", process.execPath, "-e", ""],
      { env: env() },
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split("\n").at(-1)!);
    expect(summary).toMatchObject({ deploy: "run-json", status: "live", exitCode: 0 });
    expect(summary.reports).toHaveLength(2);
  });
});
