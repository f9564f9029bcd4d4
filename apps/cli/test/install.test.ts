// The clients as users get them: packed with pnpm, installed with plain npm into an empty folder, run
// against a real server. Nothing of the workspace is visible to them.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, runCommand, startTestServer } from "@cuitty/server/testing";
import { cleanEnv, connection, deployByKey } from "./helpers.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures/install/", import.meta.url));
const sdkReadme = readFileSync(new URL("../../../packages/sdk/README.md", import.meta.url), "utf8");
const typedExample = sdkReadme
  .split("<!-- readme-typed-client:start -->")[1]!
  .split("<!-- readme-typed-client:end -->")[0]!
  .replace(/^\s*```ts\n/, "")
  .replace(/```\s*$/, "");
// The workspace's compiler, run on files that only see the temp folder's node_modules.
const tsc = fileURLToPath(new URL("../node_modules/.bin/tsc", import.meta.url));

let work: string;
let app: string;
let tarballs: Record<string, string>;
let server: TestServer;

/** What pnpm sets for the workspace's own script run; npm configuration (registry, cache, proxy) stays. */
const SCRIPT_RUN_VARIABLE = /^(npm_(package|lifecycle)_|npm_(execpath|node_execpath|command)$|npm_config_user_agent$|pnpm_)/i;

/** The environment of a user's shell: no CI or CUITTY_* variables, nothing of the workspace's script run. */
function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = cleanEnv(extra);
  for (const key of Object.keys(env)) if (SCRIPT_RUN_VARIABLE.test(key)) delete env[key];
  return env;
}

async function npmInstall(specs: string[], dev = false): Promise<void> {
  const args = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...(dev ? ["--save-dev"] : []), ...specs];
  const res = await runCommand("npm", args, { cwd: app, env: userEnv(), timeoutMs: 100_000 });
  expect(res.code, res.output).toBe(0);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "cuitty-install-"));
  app = join(work, "app");
  const packs = join(work, "packs");
  const packed = await runCommand("bash", [join(root, "scripts/packPackages.sh"), packs, "core", "sdk", "cli", "api", "db"], {
    cwd: root,
    env: { ...process.env } as Record<string, string>,
    timeoutMs: 60_000,
  });
  expect(packed.code, packed.output).toBe(0);
  tarballs = Object.fromEntries(readdirSync(packs).map((f) => [f.replace(/^cuitty-|-\d.*$/g, ""), join(packs, f)]));
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "cuitty-install-test", private: true, type: "module" }));
  server = await startTestServer();
  // What `npm install @cuitty/cli @cuitty/sdk` will do once published.
  await npmInstall([tarballs.core!, tarballs.sdk!, tarballs.cli!]);
}, 180_000);

afterAll(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the CLI and SDK installed from their tarballs with npm", () => {
  it("the install holds the clients but no server, database or dashboard code", () => {
    const modules = join(app, "node_modules");
    for (const pkg of ["@cuitty/cli", "@cuitty/sdk", "@cuitty/core"]) expect(existsSync(join(modules, pkg)), pkg).toBe(true);
    for (const pkg of ["@cuitty/server", "@cuitty/db", "@cuitty/api", "@cuitty/dashboard", "@libsql/client", "drizzle-orm", "react"]) {
      expect(existsSync(join(modules, pkg)), pkg).toBe(false);
    }
  });

  it("npx cuitty --help lists the commands", async () => {
    const res = await runCommand("npx", ["--no-install", "cuitty", "--help"], { cwd: app, env: userEnv(), timeoutMs: 30_000 });
    expect(res.code, res.output).toBe(0);
    expect(res.output).toMatch(/deploy/);
    expect(res.output).toMatch(/serve/);
  });

  it("cuitty deploy run reports to a real server and exits with the command's code, without the server packages", async () => {
    const env = userEnv(connection(server, "ingest"));
    const ok = await runCommand(
      "npx",
      ["--no-install", "cuitty", "deploy", "run", "--env", "production", "--deploy", "ci-1", "--", "true"],
      {
        cwd: app,
        env,
        timeoutMs: 30_000,
      },
    );
    expect(ok.code, ok.output).toBe(0);
    expect((await deployByKey(server, "ci-1")).status).toBe("live");

    const failing = [
      "--no-install",
      "cuitty",
      "deploy",
      "run",
      "--env",
      "production",
      "--deploy",
      "ci-2",
      "--",
      "node",
      "-e",
      "process.exit(3)",
    ];
    const failed = await runCommand("npx", failing, { cwd: app, env, timeoutMs: 30_000 });
    expect(failed.code, failed.output).toBe(3);
    expect((await deployByKey(server, "ci-2")).status).toBe("failed");
  });

  it("cuitty serve without @cuitty/server installed names the missing package and how to install it", async () => {
    const res = await runCommand("npx", ["--no-install", "cuitty", "serve", "--port", "0"], {
      cwd: app,
      env: userEnv(),
      timeoutMs: 30_000,
    });
    expect(res.code, res.output).toBe(3);
    expect(res.output).toMatch(/`cuitty serve` needs the @cuitty\/server package, which is not installed \[E_CONFIG\]/);
    expect(res.output).toMatch(/fix: .*npm install --global @cuitty\/cli @cuitty\/server/);
  });

  it("a script imports @cuitty/sdk and @cuitty/sdk/plugins/deploys by name and emits a deploy", async () => {
    copyFileSync(join(fixtures, "emit.mjs"), join(app, "emit.mjs"));
    const res = await runCommand(process.execPath, ["emit.mjs"], {
      cwd: app,
      env: userEnv(connection(server, "ingest")),
      timeoutMs: 30_000,
    });
    expect(res.code, res.output).toBe(0);
    expect(res.output).toContain('{"undelivered":0}');
    const deploy = await deployByKey(server, "sdk-1");
    expect([deploy.status, deploy.version]).toEqual(["live", "v1.0.0"]);
  });

  // Last: it adds @cuitty/api (and with it the database package) to the folder, as a dev dependency for types.
  it("the SDK README's typed client compiles and rolls back a deploy, and a misspelt procedure or a wrong input fails the typecheck", async () => {
    await npmInstall([tarballs.api!, tarballs.db!], true);
    expect(typedExample).toContain("createCuittyTrpcClient");
    writeFileSync(join(app, "typed.ts"), typedExample);
    copyFileSync(join(fixtures, "typedMistakes.ts"), join(app, "typedMistakes.ts"));
    const compilerOptions = {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      lib: ["ES2023", "DOM"],
      types: [],
      skipLibCheck: true,
      outDir: "out",
    };
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["typed.ts"] }));
    writeFileSync(
      join(app, "tsconfig.mistakes.json"),
      JSON.stringify({ compilerOptions: { ...compilerOptions, noEmit: true }, files: ["typedMistakes.ts"] }),
    );

    const good = await runCommand(tsc, ["-p", "tsconfig.json"], { cwd: app, env: userEnv(), timeoutMs: 60_000 });
    expect(good.code, good.output).toBe(0);
    const ran = await runCommand(process.execPath, ["out/typed.js"], {
      cwd: app,
      env: userEnv(connection(server, "admin")),
      timeoutMs: 30_000,
    });
    expect(ran.code, ran.output).toBe(0);
    // Newest first: sdk-1 (live), ci-2 (failed), ci-1 (live); sdk-1 goes back to ci-1.
    const [sdk1, ci1] = [await deployByKey(server, "sdk-1"), await deployByKey(server, "ci-1")];
    expect(ran.output).toContain(`#${sdk1.id} is rolled_back; production runs #${ci1.id} again`);
    expect((await deployByKey(server, "sdk-1")).status).toBe("rolled_back");

    const bad = await runCommand(tsc, ["-p", "tsconfig.mistakes.json"], { cwd: app, env: userEnv(), timeoutMs: 60_000 });
    expect(bad.code, bad.output).not.toBe(0);
    expect(bad.output).toMatch(/typedMistakes\.ts\(5,[^)]*\): error TS2339: Property 'lsit' does not exist/);
    expect(bad.output).toMatch(/typedMistakes\.ts\(6,[^)]*\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(bad.output).toMatch(/typedMistakes\.ts\(8,[^)]*\): error TS2322: Type 'string( \| null)?' is not assignable to type 'number'/);
    expect(bad.output.match(/error TS/g)).toHaveLength(3);
  });
});
