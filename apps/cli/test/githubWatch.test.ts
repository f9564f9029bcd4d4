// `cuitty github watch`: the built CLI polls a local fake GitHub API and records each run's transitions on a real server.
import { type ChildProcess, spawn } from "node:child_process";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TestServer, startTestServer } from "@cuitty/server/testing";
import { FAKE_SHA, type FakeGithub, type FakeRun, fakeRun, startFakeGithub } from "../../../packages/sdk/test/fakeGithub.js";
import { CLI, cleanEnv, connection, deployByKey, emptyDir, query, runCli } from "./helpers.js";

const SHA = FAKE_SHA;
/** ISO time `secondsAgo` before now: the server refuses events more than 300 s in the future. */
const ago = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();
const run = (id: number, over: Partial<FakeRun> = {}) => fakeRun(id, ago(120), { head_commit: { timestamp: ago(180) }, ...over });

/** The built CLI as a long-running child: its output as it comes, bounded waits, and its exit. */
interface Watcher {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Waits until a stdout line satisfies `check`, at most `ms`. */
  line(what: string, check: (line: string) => boolean, ms?: number): Promise<string>;
  /** Resolves with the exit code, or rejects (and kills the child) after `ms`. */
  exit(ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

function startWatch(args: string[], env: Record<string, string>): Watcher {
  const child = spawn(process.execPath, [CLI, "github", "watch", ...args], { cwd: emptyDir(), env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let err = "";
  const waiters = new Set<() => void>();
  child.stdout!.on("data", (d: Buffer) => {
    out += d;
    for (const w of waiters) w();
  });
  child.stderr!.on("data", (d: Buffer) => (err += d));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  const context = () => `\nstdout:\n${out}\nstderr:\n${err}`;
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    line(what, check, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const look = () => {
          const found = out.split("\n").find((l) => l.trim() !== "" && check(l));
          if (found === undefined) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${ms} ms waiting for ${what}${context()}`));
        }, ms);
        const onClose = () => {
          cleanup();
          reject(new Error(`the watch exited while waiting for ${what}${context()}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(look);
          child.off("close", onClose);
        };
        waiters.add(look);
        child.once("close", onClose);
        look();
      });
    },
    exit(ms = 10_000) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(new Error(`the watch did not exit within ${ms} ms${context()}`));
        }, ms);
      });
      return Promise.race([closed, expired]).finally(() => clearTimeout(timer));
    },
  };
}

/** A proxy in front of the Cuitty server that answers the first deploys.emitBatch with a bare 503, like a restarting load balancer. */
async function flakyProxy(
  target: string,
): Promise<{ url: string; firstRefused: Promise<void>; emitBatches: () => number; stop(): Promise<void> }> {
  let batches = 0;
  let refused!: () => void;
  const firstRefused = new Promise<void>((resolve) => (refused = resolve));
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url?.startsWith("/trpc/deploys.emitBatch") && ++batches === 1) {
      res.writeHead(503, { "content-type": "text/plain", "retry-after": "0" }).end("upstream restarting");
      refused();
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !["host", "connection", "content-length"].includes(k)) as [string, string][],
    );
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    firstRefused,
    emitBatches: () => batches,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let github: FakeGithub;
let server: TestServer;

beforeEach(async () => {
  github = await startFakeGithub();
  server = await startTestServer();
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await github.stop();
  await server.stop();
});

const KEY = "github:acme/api:run:101:1";
const watchArgs = (...extra: string[]) => ["--repo", "acme/api", "--env", "production", "--github-api-url", github.url, ...extra];
const watchEnv = (extra: Record<string, string> = {}) =>
  cleanEnv({ ...connection(server, "ingest"), GITHUB_TOKEN: github.token, ...extra });

describe("cuitty github watch", () => {
  it("records a run going queued → in progress → deploy job → completed/success as initiated, building, deploying, live, one JSON line each, and exits 0 on SIGTERM", async () => {
    github.runs.set(101, run(101));
    const watch = startWatch(watchArgs("--interval", "0.2", "--json"), watchEnv());
    const to = (status: string) => (l: string) => (JSON.parse(l) as { to: string }).to === status;

    await watch.line("initiated", to("initiated"));
    github.jobs.set(101, [{ name: "build", status: "in_progress", conclusion: null, started_at: ago(60) }]);
    github.runs.set(101, run(101, { status: "in_progress", updated_at: ago(60), run_started_at: ago(60) }));
    await watch.line("building", to("building"));
    github.jobs.set(101, [
      { name: "build", status: "completed", conclusion: "success", started_at: ago(60) },
      { name: "Deploy to production", status: "in_progress", conclusion: null, started_at: ago(30) },
    ]);
    github.runs.set(101, run(101, { status: "in_progress", updated_at: ago(30), run_started_at: ago(60) }));
    await watch.line("deploying", to("deploying"));
    github.runs.set(101, run(101, { status: "completed", conclusion: "success", updated_at: ago(5), run_started_at: ago(60) }));
    await watch.line("live", to("live"));

    const deploy = await deployByKey(server, KEY);
    expect(deploy).toMatchObject({ status: "live", environment: "production", commitSha: SHA, branch: "main", triggeredBy: "octocat" });
    expect(deploy.events.map((e: { fromStatus: string | null; toStatus: string }) => `${e.fromStatus ?? "∅"}→${e.toStatus}`)).toEqual([
      "∅→initiated",
      "initiated→building",
      "building→deploying",
      "deploying→live",
    ]);

    watch.child.kill("SIGTERM");
    const { code } = await watch.exit();
    expect(code).toBe(0);
    const lines = watch
      .stdout()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.type, l.deployId, l.key, l.from, l.to])).toEqual([
      ["transition", deploy.id, KEY, null, "initiated"],
      ["transition", deploy.id, KEY, "initiated", "building"],
      ["transition", deploy.id, KEY, "building", "deploying"],
      ["transition", deploy.id, KEY, "deploying", "live"],
    ]);
    expect(lines[0]).toMatchObject({
      environment: "production",
      eventId: "github:acme/api:101:1:initiated",
      commitSha: SHA,
      branch: "main",
    });
    expect(watch.stderr()).toContain("4 transitions recorded");
  }, 30_000);

  it("delivers what is still queued when SIGTERM arrives during a server outage, prints one line per transition for people, and exits 0", async () => {
    github.runs.set(101, run(101, { status: "completed", conclusion: "success", updated_at: ago(30) }));
    github.runs.set(102, run(102, { status: "completed", conclusion: "cancelled", updated_at: ago(20) }));
    const proxy = await flakyProxy(server.url);
    try {
      // One poll only (the interval is long): the transitions found must be delivered by the stop's flush.
      const watch = startWatch(watchArgs("--interval", "60"), watchEnv({ CUITTY_PORTAL_URL: proxy.url }));
      await Promise.race([
        proxy.firstRefused,
        watch.exit(10_000).then(() => {
          throw new Error(`the watch exited before its first delivery\n${watch.stderr()}`);
        }),
      ]);
      expect((await query(server, "deploys.list", {})).items).toEqual([]);

      watch.child.kill("SIGTERM");
      const { code } = await watch.exit();
      expect(code).toBe(0);
      expect(proxy.emitBatches()).toBeGreaterThanOrEqual(2);
      expect((await deployByKey(server, KEY)).status).toBe("live");
      const cancelled = await deployByKey(server, "github:acme/api:run:102:1");
      expect(cancelled.status).toBe("failed");
      expect(cancelled.events.at(-1)?.reason).toBe("cancelled");

      const lines = watch.stdout().trim().split("\n");
      expect(lines).toHaveLength(2);
      expect(lines.find((l) => l.includes("run:101"))).toMatch(
        /#\d+ {2}production {2}github:acme\/api:run:101:1 {2}new → live {2}main 0a1b2c3$/,
      );
      expect(lines.find((l) => l.includes("run:102"))).toContain("new → failed (cancelled)");
      expect(watch.stderr()).toContain(`cannot reach the Cuitty server at ${proxy.url} (HTTP 503)`);
      expect(watch.stderr()).toContain("2 transitions recorded");
    } finally {
      await proxy.stop();
    }
  }, 30_000);

  it("stops on Ctrl-C (SIGINT) like on SIGTERM: exit 0 after saying what it recorded", async () => {
    github.runs.set(101, run(101, { status: "completed", conclusion: "failure", updated_at: ago(10) }));
    const watch = startWatch(watchArgs("--interval", "0.2"), watchEnv());
    await watch.line("the failed run", (l) => l.includes("new → failed (failure)"));
    watch.child.kill("SIGINT");
    expect((await watch.exit()).code).toBe(0);
    expect(watch.stderr()).toContain("SIGINT: stopping");
    expect(watch.stderr()).toContain("1 transition recorded");
  }, 30_000);

  it("exits 4 with one error naming the fix when GitHub refuses the token, and records nothing", async () => {
    github.runs.set(101, run(101));
    const result = await runCli(["github", "watch", ...watchArgs("--interval", "0.2", "--token", "ghp_not_valid")], {
      env: watchEnv({ GITHUB_TOKEN: "" }),
      timeoutMs: 15_000,
    });
    expect(result.code).toBe(4);
    const errors = result.stderr.split("\n").filter((l) => l.startsWith("error:"));
    expect(errors).toEqual(["error: GitHub refused the token for acme/api (401 Bad credentials) [E_AUTH]"]);
    expect(result.stderr).toContain("fix: pass a valid token with --token or GITHUB_TOKEN");
    expect(result.stdout).toBe("");
    expect((await query(server, "deploys.list", {})).items).toEqual([]);
  }, 20_000);

  it("exits 4 before polling GitHub when the Cuitty server refuses the API key", async () => {
    const result = await runCli(["github", "watch", ...watchArgs()], { env: watchEnv({ CUITTY_API_KEY: "not-a-key" }), timeoutMs: 15_000 });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("the server refused the API key");
    expect(result.stderr).toContain("[E_AUTH]");
    expect(github.log).toEqual([]);
  }, 20_000);

  it("exits 3 naming GITHUB_TOKEN when no token is given", async () => {
    const result = await runCli(["github", "watch", ...watchArgs()], { env: watchEnv({ GITHUB_TOKEN: "" }), timeoutMs: 15_000 });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("GITHUB_TOKEN is not set");
  }, 20_000);

  it("with --once polls one time, records what it found and exits 0", async () => {
    github.runs.set(101, run(101, { status: "completed", conclusion: "success", updated_at: ago(10) }));
    const result = await runCli(
      ["github", "watch", ...watchArgs("--once", "--json", "--workflow", "deploy.yml", "--branch", "main", "--event", "push")],
      {
        env: watchEnv(),
        timeoutMs: 15_000,
      },
    );
    expect(result.code).toBe(0);
    expect(
      result.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).to),
    ).toEqual(["live"]);
    expect((await deployByKey(server, KEY)).status).toBe("live");
    expect(github.log).toHaveLength(1);
    const url = new URL(github.log[0]!.path, "http://fake");
    expect(url.pathname).toBe("/repos/acme/api/actions/workflows/deploy.yml/runs");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ branch: "main", event: "push" });
  }, 20_000);
});
