// /webhooks/github settles what its headers can before reading a body, caps the body, and limits failing addresses.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import examples, { type WebhookDefinition } from "@octokit/webhooks-examples";
import { setGithubWebhookSecret } from "@cuitty/db";
import { githubExtension } from "../src/github/githubExtension.js";
import { MAX_WEBHOOK_BYTES } from "../src/github/githubWebhook.js";
import { type TestServer, startTestServer } from "../src/testing.js";
import { rowCounts } from "./helpers.js";
import { httpMessage, rawRequest } from "./rawHttp.js";

const SECRET = "It's a Secret to Everybody";
const ATTACKER = "127.0.0.2";
const FIVE_MIB = String(5 * 1024 * 1024);
const aSignature = `sha256=${"0".repeat(64)}`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ extensions: [githubExtension], config: { addressRateLimit: 5 } });
  await setGithubWebhookSecret(server.db, server.projectId, SECRET);
});
afterAll(() => server.stop());

/** Headers announcing a 5 MiB body that is never sent: only an answer from the headers can arrive. */
function headersOnly(query: string, headers: Record<string, string>, from = ATTACKER) {
  const message = httpMessage("POST", `/webhooks/github${query}`, {
    "content-type": "application/json",
    "content-length": FIVE_MIB,
    ...headers,
  });
  return rawRequest(server.port, message, { localAddress: from, timeoutMs: 5_000 });
}

describe("POST /webhooks/github before the body", () => {
  it("refuses a missing project, a missing signature and an oversized body, and ignores unmapped events, from the headers alone", async () => {
    const p = `?project=${server.projectId}`;
    const cases: { query: string; headers: Record<string, string>; status: number; code: string | undefined }[] = [
      {
        query: "",
        headers: { "x-github-event": "workflow_run", "x-hub-signature-256": aSignature },
        status: 400,
        code: "VALIDATION_FAILED",
      },
      { query: p, headers: { "x-github-event": "workflow_run" }, status: 401, code: "BAD_SIGNATURE" },
      {
        query: p,
        headers: { "x-github-event": "workflow_run", "x-hub-signature-256": "sha256=nothex" },
        status: 401,
        code: "BAD_SIGNATURE",
      },
      {
        query: "?project=prj_nope",
        headers: { "x-github-event": "workflow_run", "x-hub-signature-256": aSignature, "content-length": "100" },
        status: 401,
        code: "UNKNOWN_PROJECT",
      },
      {
        query: p,
        headers: { "x-github-event": "workflow_run", "x-hub-signature-256": aSignature },
        status: 413,
        code: "PAYLOAD_TOO_LARGE",
      },
      { query: p, headers: { "x-github-event": "issues", "x-hub-signature-256": aSignature }, status: 202, code: undefined },
    ];
    for (const c of cases) {
      // From an address of its own: this is about order, not limits.
      const res = await headersOnly(c.query, c.headers, "127.0.0.3");
      expect({ status: res.status, code: res.body.error?.data?.cuittyCode }).toEqual({ status: c.status, code: c.code });
    }
  });

  it(`still accepts a real signed workflow_run, far below the ${MAX_WEBHOOK_BYTES}-byte cap`, async () => {
    // examples is typed as the module object (an `export default` .d.ts over a JSON main); at run time it is the array.
    const definitions = examples as unknown as WebhookDefinition[];
    const payload = structuredClone(definitions.find((d) => d.name === "workflow_run")!.examples[1]);
    const body = JSON.stringify(payload);
    expect(body.length * 20).toBeLessThan(MAX_WEBHOOK_BYTES);
    const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    // The webhook receiver answers each mapped event's outcome, not a tRPC body.
    const res = await rawRequest<{ results: unknown[] }>(
      server.port,
      httpMessage(
        "POST",
        `/webhooks/github?project=${server.projectId}`,
        {
          "content-type": "application/json",
          "x-github-event": "workflow_run",
          "x-github-delivery": "d-limits",
          "x-hub-signature-256": signature,
        },
        body,
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ status: "live", changed: true });
  });

  it("limits an address that keeps failing, without touching anyone else's deliveries", async () => {
    const before = await rowCounts(server);
    const statuses: number[] = [];
    const started = performance.now();
    for (let i = 0; i < 40; i++) {
      statuses.push((await headersOnly(`?project=${server.projectId}`, { "x-github-event": "workflow_run" })).status);
    }
    const seconds = (performance.now() - started) / 1000;
    // 5 per second, burst 10: the first ones are judged (401), then the address is refused (429) except for
    // what refilled while the loop ran, however slow the machine.
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10 + Math.ceil(seconds * 5));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const ping = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
    const signature = `sha256=${createHmac("sha256", SECRET).update(ping).digest("hex")}`;
    const res = await rawRequest<unknown>(
      server.port,
      httpMessage(
        "POST",
        `/webhooks/github?project=${server.projectId}`,
        { "content-type": "application/json", "x-github-event": "ping", "x-hub-signature-256": signature },
        ping,
      ),
    );
    expect(res.body).toEqual({ ok: true, pong: true });
    expect(await rowCounts(server)).toEqual(before);
  });
});
