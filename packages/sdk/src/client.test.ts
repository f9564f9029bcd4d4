import { afterEach, describe, expect, it } from "vitest";
import { BoundedQueue } from "./queue.js";
import { createCuittyClient } from "./client.js";
import { deploysPlugin } from "./plugins/deploys.js";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe("createCuittyClient", () => {
  it("reads CUITTY_PORTAL_URL, CUITTY_PROJECT_ID and CUITTY_API_KEY when options are missing", () => {
    process.env.CUITTY_PORTAL_URL = "http://127.0.0.1:4400";
    process.env.CUITTY_PROJECT_ID = "prj_env";
    process.env.CUITTY_API_KEY = "cdk_ingest_env";
    const client = createCuittyClient();
    expect([client.portalUrl, client.projectId]).toEqual(["http://127.0.0.1:4400", "prj_env"]);
  });

  it("names the missing setting and its environment variable", () => {
    delete process.env.CUITTY_API_KEY;
    expect(() => createCuittyClient({ portalUrl: "http://x", projectId: "p" })).toThrow(/apiKey: pass it or set CUITTY_API_KEY/);
  });

  it("refuses the same plugin name twice with a clear message", () => {
    const client = createCuittyClient({ portalUrl: "http://127.0.0.1:1", projectId: "p", apiKey: "k" });
    client.use(deploysPlugin({ provider: "manual" }));
    expect(() => client.use(deploysPlugin({ provider: "manual" }))).toThrow('plugin "deploys:manual" is already in use on this client');
  });

  it("refuses a github plugin without owner/name or token at use()", () => {
    const client = createCuittyClient({ portalUrl: "http://127.0.0.1:1", projectId: "p", apiKey: "k" });
    expect(() => client.use(deploysPlugin({ provider: "github", repo: "acme", token: "t", environment: "production" }))).toThrow(
      /owner\/name/,
    );
    expect(() => client.use(deploysPlugin({ provider: "github", repo: "acme/api", token: "", environment: "production" }))).toThrow(
      /token/,
    );
  });
});

describe("BoundedQueue", () => {
  it("drops the oldest item when full and counts it", () => {
    const q = new BoundedQueue<number>(3);
    for (let i = 1; i <= 5; i++) q.push(i);
    expect(q.peek(10).map((e) => e.item)).toEqual([3, 4, 5]);
    expect(q.dropped).toBe(2);
  });
  it("removes only entries still queued, so a drop during a send is harmless", () => {
    const q = new BoundedQueue<number>(2);
    q.push(1);
    q.push(2);
    const batch = q.peek(2);
    q.push(3); // drops 1 while "in flight"
    q.remove(batch.map((e) => e.seq));
    expect(q.peek(10).map((e) => e.item)).toEqual([3]);
  });
});
