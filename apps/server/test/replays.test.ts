// A replayed or retried signed call changes nothing the first one did not: hooks.add answers the same subscription.
import { afterAll, beforeAll, expect, it } from "vitest";
import { signedHeaders } from "@cuitty/core";
import { type ProcedureOutput, type ResponseBody, type TestServer, startTestServer } from "../src/testing.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const hookCount = async () => (await server.request("hooks.list")).body.result.data.length as number;

it("answers a byte-identical replay of hooks.add within the signature window with the same subscription", async () => {
  const body = JSON.stringify({
    url: "https://hooks.example.com/replayed",
    events: ["deploy.live", "deploy.failed"],
    environments: ["production"],
  });
  const headers = await signedHeaders(
    { projectId: server.projectId, apiKey: server.keys.admin },
    { method: "POST", pathAndQuery: "/trpc/hooks.add", body },
  );
  const send = async () => {
    const res = await fetch(`${server.url}/trpc/hooks.add`, {
      method: "POST",
      body,
      headers: { ...headers, "content-type": "application/json" },
    });
    return { status: res.status, data: ((await res.json()) as ResponseBody<ProcedureOutput<"hooks.add">>).result.data };
  };
  const first = await send();
  const replay = await send();
  expect([first.status, replay.status]).toEqual([200, 200]);
  expect(first.data.created).toBe(true);
  expect(replay.data).toMatchObject({ created: false, secret: first.data.secret, subscription: { id: first.data.subscription.id } });
  expect(await hookCount()).toBe(1);
});

it("treats the same URL, events and environments in another order as the same subscription, and other filters as another", async () => {
  const url = "https://hooks.example.com/orders";
  const a = await server.request("hooks.add", {
    input: { url, events: ["deploy.live", "deploy.failed", "deploy.live"], environments: ["staging", "production"] },
  });
  const b = await server.request("hooks.add", {
    input: { url, events: ["deploy.failed", "deploy.live"], environments: ["production", "staging"] },
  });
  expect(b.body.result.data).toMatchObject({ created: false, subscription: { id: a.body.result.data.subscription.id } });
  const narrower = await server.request("hooks.add", { input: { url, events: ["deploy.live"], environments: ["production", "staging"] } });
  const everything = await server.request("hooks.add", { input: { url } });
  const slack = await server.request("hooks.add", { input: { url, format: "slack" } });
  const ids = [a, narrower, everything, slack].map((r) => r.body.result.data.subscription.id);
  expect(new Set(ids).size).toBe(4);
  expect((await server.request("hooks.add", { input: { url } })).body.result.data).toMatchObject({
    created: false,
    subscription: { id: ids[2] },
  });
});

it("keeps a caller-chosen secret on a repeat and refuses to answer it with another secret", async () => {
  const url = "https://hooks.example.com/secret";
  const secret = "a-secret-of-sixteen-chars";
  const first = await server.request("hooks.add", { input: { url, secret } });
  const again = await server.request("hooks.add", { input: { url, secret } });
  expect(again.body.result.data).toMatchObject({ created: false, secret, subscription: { id: first.body.result.data.subscription.id } });
  const other = await server.request("hooks.add", { input: { url, secret: "another-secret-16-chars" } });
  expect(other.status).toBe(400);
  expect(other.body.error.data).toMatchObject({ cuittyCode: "VALIDATION_FAILED", fields: ["secret"] });
  expect(other.body.error.message).toContain(`hook #${first.body.result.data.subscription.id}`);
});

it("creates one subscription when the same hooks.add arrives twice at once", async () => {
  const input = { url: "https://hooks.example.com/concurrent", events: ["deploy.live"] };
  const answers = await Promise.all(Array.from({ length: 4 }, () => server.request("hooks.add", { input })));
  expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  expect(new Set(answers.map((r) => r.body.result.data.subscription.id)).size).toBe(1);
  expect(answers.filter((r) => r.body.result.data.created)).toHaveLength(1);
});
