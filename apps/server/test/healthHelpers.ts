// Helpers of the health-check tests: local HTTP targets and hook receivers, bounded waits, deploys going live.
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getDeploy, listHealthChecks } from "@cuitty/db";
import type { DeliveryWorkerOptions } from "../src/delivery/deliveryWorker.js";
import { healthExtension } from "../src/health/healthExtension.js";
import type { HealthWorkerOptions } from "../src/health/healthWorker.js";
import { hooksExtension } from "../src/hooks/hooksExtension.js";
import { type TestServer, startTestServer } from "../src/testing.js";

/** Short intervals: one policy second lasts 50 ms, work is looked for every 10 ms. */
export const FAST: HealthWorkerOptions = { tickMs: 10, secondMs: 50, sweepEveryMs: 50 };
/** The delivery worker beside it: rollback hooks looked for every 10 ms, retried after 30 ms. */
export const FAST_DELIVERY: DeliveryWorkerOptions = { tickMs: 10, hookRetryBaseMs: 30 };

export interface LocalServer {
  url: string;
  /** Requests received, in order. */
  requests: { method: string; path: string; headers: IncomingMessage["headers"]; body: string }[];
  close(): Promise<void>;
}

/** A real HTTP server on a random port; `handle` answers the n-th request (0-based). */
export async function localServer(
  handle: (n: number, req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Promise<LocalServer> {
  const requests: LocalServer["requests"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const n = requests.length;
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() });
      void handle(n, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const answer =
  (status: number, delayMs = 0) =>
  (_n: number, _req: IncomingMessage, res: ServerResponse) => {
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(status < 400 ? "ok" : "down");
    };
    if (delayMs > 0) setTimeout(send, delayMs).unref();
    else send();
  };

/** A URL on which nothing listens: a port that was just free. */
export async function refusingUrl(): Promise<string> {
  const s = await localServer(answer(200));
  await s.close();
  return `${s.url}/healthz`;
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. Errors count as not yet. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function healthServer(options: { dataDir?: string; worker?: HealthWorkerOptions; delivery?: DeliveryWorkerOptions } = {}) {
  return startTestServer({
    dataDir: options.dataDir,
    extensions: [healthExtension({ ...FAST, ...options.worker }), hooksExtension({ ...FAST_DELIVERY, ...options.delivery })],
  });
}

let seq = 0;
export async function setPolicy(server: Pick<TestServer, "request">, settings: Record<string, unknown>) {
  const res = await server.request("environments.update", { input: { environment: "production", ...settings } });
  if (res.status !== 200) throw new Error(`environments.update failed: ${JSON.stringify(res.body)}`);
  return res.body.result.data;
}

/** Emits a deploy straight to live; returns its id. */
export async function goLive(server: TestServer, extra: Record<string, unknown> = {}): Promise<number> {
  const res = await server.request("deploys.emit", {
    key: server.keys.ingest,
    input: {
      id: `evt-${process.pid}-${++seq}`,
      type: "deploy",
      deploy: `health-${process.pid}-${seq}`,
      status: "live",
      environment: "production",
      ...extra,
    },
  });
  if (res.status !== 200) throw new Error(`emit failed: ${JSON.stringify(res.body)}`);
  return res.body.result.data.deploy.id;
}

/** Waits until the deploy's series is over (health status no longer pending) and returns the deploy and its probes. */
export async function settled(server: TestServer, deployId: number, timeoutMs = 10_000) {
  const deploy = await waitFor(
    `deploy #${deployId} to finish its health checks`,
    async () => {
      const d = await getDeploy(server.db, server.projectId, deployId);
      return d.healthStatus !== "pending" && d.healthStatus !== "unknown" ? d : undefined;
    },
    timeoutMs,
  );
  return { deploy, probes: await listHealthChecks(server.db, deployId) };
}
