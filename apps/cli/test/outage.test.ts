// A tracking outage must never break a deploy pipeline: one warning and exit 0, unless --strict.
import { describe, expect, it } from "vitest";
import { cleanEnv, closedPort, runCli } from "./helpers.js";

async function downEnv() {
  return cleanEnv({ CUITTY_PORTAL_URL: `http://127.0.0.1:${await closedPort()}`, CUITTY_PROJECT_ID: "prj_x", CUITTY_API_KEY: "k" });
}

describe("when the server cannot be reached", () => {
  it("deploy <status> retries briefly, prints one warning and exits 0", async () => {
    const started = Date.now();
    const result = await runCli(["deploy", "live", "--env", "production", "--deploy", "down-1"], { env: await downEnv() });
    expect(result.code).toBe(0);
    expect(result.stderr.match(/warning:/g)).toHaveLength(1);
    expect(result.stderr).toContain("cannot reach the Cuitty server");
    expect(result.stderr).toContain("--strict");
    // Bounded: a refused connection costs the retry delays, not minutes.
    expect(Date.now() - started).toBeLessThan(25_000);
  });

  it("deploy <status> --strict fails with E_UNREACHABLE", async () => {
    const result = await runCli(["deploy", "live", "--env", "production", "--deploy", "down-2", "--strict"], { env: await downEnv() });
    expect(result.code).toBe(7);
    expect(result.stderr).toContain("[E_UNREACHABLE]");
    expect(result.stderr).toContain("was not recorded");
  });

  it("deploy run still runs the command, warns once and exits with the command's code", async () => {
    const result = await runCli(
      ["deploy", "run", "--env", "production", "--deploy", "down-3", "--", process.execPath, "-e", "console.log('ran'); process.exit(4)"],
      { env: await downEnv() },
    );
    expect(result.stdout).toContain("ran");
    expect(result.code).toBe(4);
    expect(result.stderr.match(/cannot reach the Cuitty server/g)).toHaveLength(1);
  });

  it("deploy run --strict refuses to run the command unreported", async () => {
    const result = await runCli(
      ["deploy", "run", "--strict", "--env", "production", "--deploy", "down-4", "--", process.execPath, "-e", "console.log('ran')"],
      { env: await downEnv() },
    );
    expect(result.code).toBe(7);
    expect(result.stdout).not.toContain("ran");
  });

  it("a read command fails with E_UNREACHABLE and names the portal URL", async () => {
    const env = await downEnv();
    const result = await runCli(["deploys"], { env });
    expect(result.code).toBe(7);
    expect(result.stderr).toContain(env.CUITTY_PORTAL_URL!);
  });
});
