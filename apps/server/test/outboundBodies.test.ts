// Answers to the server's own outbound requests are hostile bytes too: a health endpoint, hook receiver or
// Prometheus that answers without end is cut at a cap, well before its timeout, and judged for it.
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "../src/health/probe.js";
import { postOnce } from "../src/outboundPost.js";
import { promQuery } from "../src/prometheus/prometheusQuery.js";
import { readCappedBody } from "../src/responseBody.js";

const CHUNK = Buffer.alloc(64 * 1024, "x");
let server: Server;
let url: string;
let bytesSent = 0;

/** Answers every request with `status` and a body that never ends (until the client goes away). */
beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(req.url?.startsWith("/fail") ? 500 : 200, { "content-type": "application/json" });
    const pump = () => {
      while (!res.destroyed && res.write(CHUNK)) bytesSent += CHUNK.length;
    };
    res.on("drain", pump);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("outbound answers without end", () => {
  it("reads a body only up to its cap and says it was cut", async () => {
    const stream = new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(new Uint8Array(1000).fill(97)) });
    const { text, truncated } = await readCappedBody(new Response(stream), 2500);
    expect(truncated).toBe(true);
    expect(text).toBe("a".repeat(2500));
    expect(await readCappedBody(new Response("short"), 2500)).toEqual({ text: "short", truncated: false });
  });

  it("fails a health probe whose answer passes 1 MiB, long before its timeout", async () => {
    const started = performance.now();
    const result = await probe(`${url}/health`, { timeoutMs: 20_000, expectStatus: 200 }, new AbortController().signal);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(result).toMatchObject({ ok: false, statusCode: 200 });
    expect(result.error).toBe(`health answer larger than ${1024 * 1024} bytes`);
  });

  it("keeps 300 bytes of a hook receiver's endless refusal and stops reading", async () => {
    const outcome = await postOnce(`${url}/fail`, {}, "{}", { timeoutMs: 20_000, stopSignal: new AbortController().signal });
    expect(outcome).toMatchObject({ delivered: false, status: 500, blocked: false });
    expect(outcome.error).toBe(`HTTP 500: ${"x".repeat(300)}`);
  });

  it("answers a Prometheus that sends more than 16 MiB with a reason instead of buffering it", async () => {
    const answer = await promQuery({ url, bearerToken: null, basicAuth: null }, "up", 1, { timeoutMs: 20_000 });
    expect(answer).toEqual({ ok: false, reason: `HTTP 200, answer larger than ${16 * 1024 * 1024} bytes` });
    // The server kept writing into its socket buffers, but the client stopped long before an unbounded read would.
    expect(bytesSent).toBeLessThan(64 * 1024 * 1024);
  });
});
