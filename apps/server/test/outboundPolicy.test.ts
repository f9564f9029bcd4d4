// Health URLs, rollback hooks and event subscriptions may not reach link-local or cloud-metadata targets: refused
// when set, and again at connect time on the resolved address (so a host name cannot smuggle one in).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOutboundPolicy, parseCidrList } from "@cuitty/core";
import { listHealthChecks, listHookDeliveries, listRollbackHooks } from "@cuitty/db";
import { hooksExtension } from "../src/hooks/hooksExtension.js";
import { healthExtension } from "../src/health/healthExtension.js";
import { type TestServer, startTestServer } from "../src/testing.js";
import { FAST, answer, goLive, localServer, setPolicy, waitFor } from "./healthHelpers.js";
import { rowCounts } from "./helpers.js";

const METADATA_URLS = [
  "http://169.254.169.254/latest/meta-data/",
  "http://2852039166/",
  "http://0xa9fea9fe/",
  "http://0251.0376.0251.0376/",
  "http://[::ffff:169.254.169.254]/",
  "http://[fe80::1]/",
  "http://[fd00:ec2::254]/latest/meta-data/",
  "http://metadata.google.internal/computeMetadata/v1/",
  "http://metadata/",
  "http://instance-data.ec2.internal/",
];

async function subscriptionCount(server: TestServer): Promise<number> {
  return Number((await server.db.clients.hooks.execute("SELECT count(*) AS n FROM hook_subscriptions")).rows[0]!.n);
}

describe("outbound URLs under the default policy", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("refuses a link-local or metadata health URL in any notation, naming the field, and writes nothing", async () => {
    for (const url of METADATA_URLS) {
      const before = await rowCounts(server);
      const res = await server.request("environments.update", { input: { environment: "production", healthUrl: url } });
      expect(res.status, url).toBe(400);
      expect(res.body.error.data.cuittyCode).toBe("VALIDATION_FAILED");
      expect(res.body.error.data.fields).toEqual(["healthUrl"]);
      expect(res.body.error.message).toContain("blocked by outbound policy");
      expect(await rowCounts(server)).toEqual(before);
    }
  });

  it("refuses a metadata rollback webhook and hook subscription, naming the field", async () => {
    const hook = await server.request("environments.update", {
      input: { environment: "staging", healthUrl: "http://127.0.0.1:9/healthz", rollbackWebhookUrl: "http://0xa9fea9fe/" },
    });
    expect(hook.status).toBe(400);
    expect(hook.body.error.data.fields).toEqual(["rollbackWebhookUrl"]);
    const before = await subscriptionCount(server);
    for (const url of METADATA_URLS) {
      const res = await server.request("hooks.add", { input: { url } });
      expect(res.status, url).toBe(400);
      expect(res.body.error.data.cuittyCode).toBe("VALIDATION_FAILED");
      expect(res.body.error.data.fields).toEqual(["url"]);
    }
    expect(await subscriptionCount(server)).toBe(before);
  });

  it("keeps loopback and private targets allowed", async () => {
    const res = await server.request("environments.update", {
      input: { environment: "production", healthUrl: "http://127.0.0.1:9/healthz", rollbackWebhookUrl: "http://10.0.0.7/rollback" },
    });
    expect(res.status).toBe(200);
    expect((await server.request("hooks.add", { input: { url: "http://192.168.1.20/cuitty" } })).status).toBe(200);
  });
});

describe("the connect-time check", () => {
  // The operator denies loopback, so `localhost` (a name, accepted when set) resolves to a refused address:
  // the same path a DNS name rebound to 169.254.169.254 takes.
  const policy = createOutboundPolicy({ deny: parseCidrList("127.0.0.0/8, ::1") });
  let server: TestServer;
  let target: Awaited<ReturnType<typeof localServer>>;
  let hostUrl: string;
  beforeAll(async () => {
    target = await localServer(answer(200));
    hostUrl = target.url.replace("127.0.0.1", "localhost");
    server = await startTestServer({
      config: { outboundPolicy: policy },
      extensions: [healthExtension(FAST), hooksExtension({ tickMs: 20, retryBaseMs: 20, retryMaxMs: 50, hookRetryBaseMs: 10 })],
    });
  });
  afterAll(async () => {
    await server.stop();
    await target.close();
  });

  it("refuses a literal address of a range the operator denies when it is set", async () => {
    const res = await server.request("environments.update", { input: { environment: "production", healthUrl: `${target.url}/healthz` } });
    expect(res.status).toBe(400);
    expect(res.body.error.data.fields).toEqual(["healthUrl"]);
    expect(res.body.error.message).toContain("127.0.0.0/8");
  });

  it("records a probe of a name resolving to a denied address as failed, without connecting", async () => {
    await setPolicy(server, { healthUrl: `${hostUrl}/healthz`, healthIntervalSeconds: 1, healthChecks: 1, healthFailures: 1 });
    const id = await goLive(server);
    const probes = await waitFor("a recorded probe", async () => {
      const p = await listHealthChecks(server.db, id);
      return p.length > 0 ? p : undefined;
    });
    expect(probes[0]).toMatchObject({ ok: false, statusCode: null });
    expect(String(probes[0]!.error)).toMatch(/^blocked by outbound policy: localhost resolves to .* is in denied range/);
    expect(target.requests).toHaveLength(0);
  });

  it("records a hook delivery and a rollback hook to such a name as failed, without connecting", async () => {
    const added = await server.request("hooks.add", { input: { url: `${hostUrl}/events` } });
    expect(added.status).toBe(200);
    await setPolicy(server, { healthUrl: null, rollbackWebhookUrl: `${hostUrl}/rollback` });
    const first = await goLive(server);
    const second = await goLive(server);
    const rolledBack = await server.request("deploys.rollback", { input: { deployId: second, targetId: first, reason: "test" } });
    expect(rolledBack.status).toBe(200);
    const hooks = await waitFor("the rollback hook to be given up", async () => {
      const h = await listRollbackHooks(server.db, server.projectId, second);
      return h[0]?.state === "failed" ? h : undefined;
    });
    expect(hooks[0]!.lastError).toMatch(/^blocked by outbound policy: /);
    const deliveries = await waitFor("a failed delivery", async () => {
      const d = await listHookDeliveries(server.db, server.projectId, added.body.result.data.subscription.id, 10);
      return d.length > 0 ? d : undefined;
    });
    expect(deliveries[0]).toMatchObject({ outcome: "failed", statusCode: null });
    expect(deliveries[0]!.error).toMatch(/^blocked by outbound policy: /);
    expect(target.requests).toHaveLength(0);
  });
});
