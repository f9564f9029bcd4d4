// The per-project rate limit refuses with RATE_LIMITED and Retry-After, and writes nothing.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type TestServer, startTestServer } from "../src/testing.js";
import { emit, event, rowCounts, uniq } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { rateLimit: 1 } });
});
afterAll(() => server.stop());

it("should refuse requests past the burst with 429 RATE_LIMITED and a Retry-After, writing nothing", async () => {
  // Burst is twice the rate: of 12 requests at once, most must be refused whatever the machine's speed.
  const results = await Promise.all(Array.from({ length: 12 }, () => emit(server, event(uniq("rl"), "building"))));
  const refused = results.filter((r) => r.status === 429);
  expect(refused.length).toBeGreaterThan(0);
  expect(refused[0]!.body.error.data.cuittyCode).toBe("RATE_LIMITED");
  const before = await rowCounts(server);
  const res = await fetch(`${server.url}/trpc/deploys.emit`, { method: "POST", headers: { "x-cuitty-project": server.projectId }, body: "{}" });
  expect(res.status).toBe(429);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect(await rowCounts(server)).toEqual(before);
});
