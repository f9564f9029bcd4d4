// Outbound events: signed, at least once, in order per deploy, through receiver failures, slowness and restarts
// of both the receiver and the server.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HOOK_DELIVERY_ID_HEADER, HOOK_EVENT_TYPE_HEADER, type HookEvent, hookEventSchema, verify } from "@cuitty/core";
import { hooksExtension } from "@cuitty/server";
import { type ProcedurePath, startTestServer, type TestServer } from "@cuitty/server/testing";

const FAST = { tickMs: 30, retryBaseMs: 40, retryMaxMs: 300, timeoutMs: 1500 };
const SECRET = "receiver-secret-0123456789abcdef";

interface Received {
  event: HookEvent | { text: string };
  type: string;
  delivery: string;
  verified: boolean;
}

/** A local receiver whose answer each test scripts: a status and a delay per request. */
class Receiver {
  received: Received[] = [];
  requests = 0;
  server: Server | undefined;
  port = 0;
  constructor(private readonly behave: (n: number) => { status: number; delayMs?: number } = () => ({ status: 200 })) {}

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/in/cuitty?team=ops`;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const n = ++this.requests;
    const { status, delayMs } = this.behave(n);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    const verified = await verify({
      apiKey: SECRET,
      method: "POST",
      pathAndQuery: req.url!,
      body,
      timestamp: Number(req.headers["x-cuitty-timestamp"]),
      signature: String(req.headers["x-cuitty-signature"]),
    });
    if (status >= 200 && status < 300) {
      this.received.push({
        event: JSON.parse(body),
        type: String(req.headers[HOOK_EVENT_TYPE_HEADER]),
        delivery: String(req.headers[HOOK_DELIVERY_ID_HEADER]),
        verified,
      });
    }
    res.writeHead(status, { "content-type": "text/plain" }).end(status >= 400 ? "receiver says no" : "ok");
  }

  /** Event ids in first-arrival order (a redelivery after a restart is allowed, and dropped here). */
  uniqueEvents(): HookEvent[] {
    const seen = new Set<string>();
    const out: HookEvent[] = [];
    for (const r of this.received) {
      const e = r.event as HookEvent;
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      out.push(e);
    }
    return out;
  }
}

async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function ok<P extends ProcedurePath>(server: TestServer, procedure: P, input?: unknown) {
  const res = await server.request(procedure, { input });
  if (res.status !== 200) throw new Error(`${procedure} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.result.data;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const LIFECYCLE = ["initiated", "building", "deploying", "live"] as const;
function emitAll(server: TestServer, keys: string[], statuses: readonly string[], environment = "production") {
  // Interleaved across deploys, as concurrent pipelines report them.
  const events = statuses.flatMap((status) => keys.map((k) => ({ id: `${k}:${status}`, type: "deploy", deploy: k, environment, status })));
  return ok(server, "deploys.emitBatch", { events });
}

describe("outbound events", () => {
  it("deliver every event signed, in order per deploy, through failures, slowness and restarts of the receiver and the server", async () => {
    // 503 for the first three requests, every fourth answer is slow, and the receiver restarts once mid-stream.
    const receiver = new Receiver((n) => (n <= 3 ? { status: 503 } : { status: 200, delayMs: n % 4 === 0 ? 250 : 20 }));
    await receiver.start();
    cleanups.push(() => receiver.stop());
    const dataDir = mkdtempSync(join(tmpdir(), "cuitty-hooks-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

    let server = await startTestServer({ dataDir, extensions: [hooksExtension(FAST)] });
    const added = await ok(server, "hooks.add", { url: receiver.url, secret: SECRET });
    expect(added.secret).toBe(SECRET);
    expect(added.subscription).toMatchObject({ format: "json", events: null, environments: null });

    const keys = ["a", "b", "c"];
    await emitAll(server, keys, LIFECYCLE);
    const b = (await ok(server, "deploys.list", { limit: 10 })).items.find((d) => d.externalKey === "b");
    await ok(server, "deploys.markBad", { id: b!.id, reason: "error rate up" });

    // Restart the receiver on the same port once a few events got through.
    await waitFor("first deliveries", () => receiver.uniqueEvents().length >= 3);
    await receiver.stop();
    await new Promise((r) => setTimeout(r, 200));
    await receiver.start(receiver.port);

    // Stop the server while events are still queued, then start a new one on the same data.
    await waitFor("more deliveries", () => receiver.uniqueEvents().length >= 6);
    await server.stop({ keepData: true });
    const queuedAtStop = 13 - receiver.uniqueEvents().length;
    expect(queuedAtStop).toBeGreaterThan(0);
    server = await startTestServer({ dataDir, extensions: [hooksExtension(FAST)] });
    cleanups.push(() => server.stop({ keepData: true }));
    await ok(server, "deploys.rollback", { deployId: (await ok(server, "deploys.list", { limit: 10 })).items[0]!.id });

    const events = await waitFor("all 14 events", () => (receiver.uniqueEvents().length >= 14 ? receiver.uniqueEvents() : null));
    expect(events).toHaveLength(14);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    for (const e of events) expect(hookEventSchema.safeParse(e).success).toBe(true);
    for (const k of keys) {
      const mine = events.filter((e) => e.deploy.externalKey === k).map((e) => e.type);
      const expected = LIFECYCLE.map((s) => `deploy.${s}`);
      if (k === "b") expected.push("deploy.marked_bad");
      if (k === "c") expected.push("deploy.rolled_back");
      expect(mine).toEqual(expected);
    }
    const markBad = events.find((e) => e.type === "deploy.marked_bad")!;
    expect(markBad.mark).toMatchObject({ bad: true, reason: "error rate up", by: expect.stringMatching(/^key:/) });
    expect(markBad.deploy.markedBad).toBe(true);
    const rollback = events.find((e) => e.type === "deploy.rolled_back")!;
    expect(rollback.transition).toMatchObject({ from: "live", to: "rolled_back" });
    expect(rollback.transition!.rollbackTargetId).toBeGreaterThan(0);

    const [sub] = await ok(server, "hooks.list");
    await waitFor("the cursor to catch up", async () => (await ok(server, "hooks.list"))[0]!.pending === 0);
    const log = await ok(server, "hooks.deliveries", { id: sub!.id, limit: 500 });
    expect(log.some((d) => d.outcome === "failed" && d.statusCode === 503)).toBe(true);
    expect(log.some((d) => d.outcome === "failed" && d.statusCode === null)).toBe(true); // receiver down
    expect(log.filter((d) => d.outcome === "delivered").length).toBeGreaterThanOrEqual(14);
    expect(log[0]!.id).toBeGreaterThan(log.at(-1)!.id); // newest first
  });

  it("filter by event and environment, and speak Slack's text format", async () => {
    const receiver = new Receiver();
    await receiver.start();
    cleanups.push(() => receiver.stop());
    const server = await startTestServer({ extensions: [hooksExtension(FAST)] });
    cleanups.push(() => server.stop());
    await ok(server, "hooks.add", {
      url: receiver.url,
      secret: SECRET,
      events: ["deploy.live", "deploy.failed"],
      environments: ["production"],
      format: "slack",
    });
    await emitAll(server, ["s1"], ["building", "live"], "staging");
    await emitAll(server, ["p1"], ["building", "live"], "production");
    await ok(server, "deploys.emit", {
      type: "deploy",
      deploy: "p2",
      environment: "production",
      status: "failed",
      version: "v2.0.0",
      reason: "smoke tests failed",
    });
    await waitFor("two deliveries", () => receiver.received.length >= 2);
    await new Promise((r) => setTimeout(r, 300)); // nothing else may follow
    expect(receiver.received.map((r) => r.type)).toEqual(["deploy.live", "deploy.failed"]);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    const texts = receiver.received.map((r) => (r.event as { text: string }).text);
    expect(texts[0]).toMatch(/\*production\*: deploy #\d+ live/);
    expect(texts[1]).toContain("v2.0.0 failed: smoke tests failed");
  });

  it("start a new subscription at now, generate a secret when none is given, and stop after remove", async () => {
    const receiver = new Receiver();
    await receiver.start();
    cleanups.push(() => receiver.stop());
    const server = await startTestServer({ extensions: [hooksExtension(FAST)] });
    cleanups.push(() => server.stop());
    await emitAll(server, ["old"], ["live"]);
    const added = await ok(server, "hooks.add", { url: receiver.url });
    expect(added.secret).toMatch(/^whsec_/);
    const listed = await ok(server, "hooks.list");
    expect(JSON.stringify(listed)).not.toContain(added.secret);
    await emitAll(server, ["new"], ["live"]);
    await waitFor("one delivery", () => receiver.received.length >= 1);
    expect((receiver.received[0]!.event as HookEvent).deploy.externalKey).toBe("new");
    expect(receiver.received[0]!.verified).toBe(false); // signed with the generated secret, not ours
    await ok(server, "hooks.remove", { id: added.subscription.id });
    expect(await ok(server, "hooks.list")).toEqual([]);
    await emitAll(server, ["after"], ["live"]);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(1);
    const refused = await server.request("hooks.list", { method: "GET", key: server.keys.read });
    expect(refused.body.error.data.cuittyCode).toBe("FORBIDDEN_SCOPE");
  });
});
