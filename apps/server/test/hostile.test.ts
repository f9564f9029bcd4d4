// Hostile and careless requests through a real server: none ends the process, none answers 500, none writes.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CALLS_PER_REQUEST, MAX_JSON_DEPTH, signedHeaders } from "@cuitty/core";
import { type ResponseBody, type TestServer, startTestServer } from "../src/testing.js";
import { event, rowCounts, uniq } from "./helpers.js";
import { httpMessage, rawRequest } from "./rawHttp.js";

let server: TestServer;
let dashboardDir: string;
beforeAll(async () => {
  dashboardDir = mkdtempSync(join(tmpdir(), "cuitty-dash-"));
  writeFileSync(join(dashboardDir, "index.html"), "<!doctype html><title>dashboard</title>");
  server = await startTestServer({ config: { dashboardDir } });
});
afterAll(async () => {
  await server.stop();
  rmSync(dashboardDir, { recursive: true, force: true });
});

async function signed(method: "GET" | "POST", pathAndQuery: string, body = "", key = server.keys.admin) {
  return signedHeaders({ projectId: server.projectId, apiKey: key }, { method, pathAndQuery, body });
}

async function healthy() {
  const res = await fetch(`${server.url}/healthz`);
  return res.status;
}

describe("request targets", () => {
  const targets = ["//[", "//%", "//[::1", "http://[/", "//a:b@[/trpc/deploys.emit", "//x:99999/", "*"];

  for (const target of targets) {
    it(`answers ${target} with 400 VALIDATION_FAILED and keeps serving`, async () => {
      for (const method of ["GET", "POST"]) {
        const res = await rawRequest(
          server.port,
          httpMessage(method, target, { "content-type": "application/json" }, method === "POST" ? "{}" : ""),
        );
        expect(res.status).toBe(400);
        expect(res.body.error.data.cuittyCode).toBe("VALIDATION_FAILED");
      }
      expect(await healthy()).toBe(200);
    });
  }

  it("answers requests node's parser rejects with a 400 in the same shape", async () => {
    const res = await rawRequest(server.port, "GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n");
    expect(res.status).toBe(400);
    expect(res.body.error.data.cuittyCode).toBe("VALIDATION_FAILED");
    expect(await healthy()).toBe(200);
  });

  it("keeps answering signed requests while bad targets arrive at the same time", async () => {
    const bad = Array.from({ length: 20 }, (_, i) => rawRequest(server.port, httpMessage("GET", i % 2 ? "//[" : "//x:99999/")));
    const good = Array.from({ length: 5 }, () => server.request("deploys.list", { input: {}, key: server.keys.read }));
    const [badResults, goodResults] = await Promise.all([Promise.all(bad), Promise.all(good)]);
    expect(badResults.map((r) => r.status)).toEqual(Array(20).fill(400));
    expect(goodResults.map((r) => r.status)).toEqual(Array(5).fill(200));
  });

  it("routes an absolute-form target and checks its signature against the path as sent", async () => {
    const path = "/trpc/deploys.current";
    const res = await rawRequest(server.port, httpMessage("GET", `http://127.0.0.1:${server.port}${path}`, await signed("GET", path)));
    expect(res.status).toBe(200);
  });
});

describe("connections", () => {
  it("keeps serving after clients hang up halfway through a body", async () => {
    const before = await rowCounts(server);
    const hangUps = Array.from(
      { length: 10 },
      (_, i) =>
        new Promise<void>((resolve) => {
          const path = i % 2 ? "/trpc/deploys.emit" : "/webhooks/github?project=x";
          const socket = connect({ host: "127.0.0.1", port: server.port }, () => {
            socket.write(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"type":`);
            setTimeout(() => socket.destroy(), 20);
          });
          socket.on("error", () => {});
          socket.on("close", () => resolve());
        }),
    );
    await Promise.all(hangUps);
    expect(await healthy()).toBe(200);
    expect((await server.request("deploys.current", { key: server.keys.read })).status).toBe(200);
    expect(await rowCounts(server)).toEqual(before);
  });
});

describe("signatures cover the request target exactly as received", () => {
  it("accepts a signed GET whose query keeps ' as encodeURIComponent leaves it", async () => {
    const input = encodeURIComponent(JSON.stringify({ branch: "o'brien's-fix" }));
    expect(input).toContain("'");
    // fetch would send %27 (WHATWG URL encoding), so the target goes out byte for byte over a socket, as curl sends it.
    const raw = await rawRequest(
      server.port,
      httpMessage(
        "GET",
        `/trpc/deploys.list?input=${input}`,
        await signed("GET", `/trpc/deploys.list?input=${input}`, "", server.keys.read),
      ),
    );
    expect(raw.status).toBe(200);
  });

  it("refuses a signature made over the re-encoded form of what was sent", async () => {
    const input = encodeURIComponent(JSON.stringify({ branch: "o'brien" }));
    const sent = `/trpc/deploys.list?input=${input}`;
    const headers = await signed("GET", sent.replaceAll("'", "%27"), "", server.keys.read);
    const res = await rawRequest(server.port, httpMessage("GET", sent, headers));
    expect(res.status).toBe(401);
    expect(res.body.error.data.cuittyCode).toBe("BAD_SIGNATURE");
  });
});

describe("client errors are 4xx with a code", () => {
  it("refuses a signed mutation sent as text/plain or without a content type with 415 UNSUPPORTED_MEDIA_TYPE", async () => {
    const body = JSON.stringify(event(uniq("ct"), "building"));
    const before = await rowCounts(server);
    const headers = await signed("POST", "/trpc/deploys.emit", body, server.keys.ingest);
    const plain = await rawRequest(
      server.port,
      httpMessage("POST", "/trpc/deploys.emit", { ...headers, "content-type": "text/plain" }, body),
    );
    const none = await rawRequest(server.port, httpMessage("POST", "/trpc/deploys.emit", headers, body));
    for (const res of [plain, none]) {
      expect(res.status).toBe(415);
      expect(res.body.error.data.cuittyCode).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
    expect(await rowCounts(server)).toEqual(before);
  });

  it("answers OPTIONS on a procedure with 405 METHOD_NOT_ALLOWED and an Allow header", async () => {
    for (const method of ["OPTIONS", "PUT", "DELETE", "HEAD"]) {
      const res = await fetch(`${server.url}/trpc/deploys.emit`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, POST");
      if (method !== "HEAD") expect(((await res.json()) as ResponseBody<unknown>).error.data.cuittyCode).toBe("METHOD_NOT_ALLOWED");
    }
  });

  it("answers paths with invalid percent-encoding with 400 VALIDATION_FAILED", async () => {
    for (const target of ["/%zz", "/%c0%ae%c0%ae/", "/assets/%e0%80"]) {
      const res = await rawRequest(server.port, httpMessage("GET", target));
      expect(res.status).toBe(400);
      expect(res.body.error.data.cuittyCode).toBe("VALIDATION_FAILED");
    }
    expect((await rawRequest(server.port, httpMessage("GET", "/deploys/42"))).status).toBe(200);
  });

  it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels with 400 VALIDATION_FAILED before parsing it`, async () => {
    const entry = (metadata: string) =>
      `{"entries":[{"id":"${uniq("aud")}","environment":"production","actor":"a","action":"x","target":"t","occurredAt":${Math.floor(Date.now() / 1000)},"metadata":${metadata}}]}`;
    const deep = `{"a":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    const before = await rowCounts(server);
    for (const body of [entry(deep), entry(`${"[".repeat(MAX_JSON_DEPTH - 2)}${"]".repeat(MAX_JSON_DEPTH - 2)}`)]) {
      const res = await server.request("audit.record", { rawBody: body, key: server.keys.ingest });
      expect(res.status).toBe(400);
      expect(res.body.error.data.cuittyCode).toBe("VALIDATION_FAILED");
      expect(res.body.error.message).toContain(`${MAX_JSON_DEPTH} levels`);
    }
    expect(await rowCounts(server)).toEqual(before);
    // The body itself is 1, entries 2, the entry 3, metadata 4: 28 more levels fit exactly.
    const fits = entry(`{"a":${"[".repeat(MAX_JSON_DEPTH - 5)}${"]".repeat(MAX_JSON_DEPTH - 5)}}`);
    expect((await server.request("audit.record", { rawBody: fits, key: server.keys.ingest })).status).toBe(200);
    // A query's input is bounded the same way.
    const deepQuery = await server.request("deploys.list", {
      input: { branch: JSON.parse(`${"[".repeat(40)}${"]".repeat(40)}`) },
      key: server.keys.read,
    });
    expect(deepQuery.status).toBe(400);
    expect(deepQuery.body.error.data.cuittyCode).toBe("VALIDATION_FAILED");
  });
});

describe("tRPC batching", () => {
  const batchPath = (n: number) =>
    `/trpc/${Array(n).fill("deploys.current").join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`;

  it(`answers a batch of ${MAX_CALLS_PER_REQUEST} calls and refuses ${MAX_CALLS_PER_REQUEST + 1} with 400 BATCH_TOO_LARGE`, async () => {
    const ok = await fetch(server.url + batchPath(MAX_CALLS_PER_REQUEST), {
      headers: await signed("GET", batchPath(MAX_CALLS_PER_REQUEST), "", server.keys.read),
    });
    expect(ok.status).toBe(200);
    expect((await ok.json()) as unknown[]).toHaveLength(MAX_CALLS_PER_REQUEST);
    for (const n of [MAX_CALLS_PER_REQUEST + 1, 300]) {
      const res = await fetch(server.url + batchPath(n), { headers: await signed("GET", batchPath(n), "", server.keys.read) });
      expect(res.status).toBe(400);
      const body = (await res.json()) as ResponseBody<unknown>;
      expect(body.error.data.cuittyCode).toBe("BATCH_TOO_LARGE");
      expect(body.error.message).toContain(`at most ${MAX_CALLS_PER_REQUEST}`);
    }
  });

  it("refuses an oversized POST batch without writing any of it", async () => {
    const n = MAX_CALLS_PER_REQUEST + 5;
    const path = `/trpc/${Array(n).fill("deploys.emit").join(",")}?batch=1`;
    const body = JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, event(uniq("b"), "building")])));
    const before = await rowCounts(server);
    const res = await fetch(server.url + path, {
      method: "POST",
      body,
      headers: { ...(await signed("POST", path, body, server.keys.ingest)), "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(await rowCounts(server)).toEqual(before);
  });
});
