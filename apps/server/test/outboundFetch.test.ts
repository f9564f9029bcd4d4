// The one outbound fetch: refuses blocked literal addresses before connecting, and reads its ranges from config.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { OutboundBlockedError, createOutboundFetch } from "../src/outboundFetch.js";
import { answer, localServer } from "./healthHelpers.js";

describe("the outbound fetch", () => {
  it("refuses literal link-local addresses, in any notation the URL allows, without connecting", async () => {
    const outbound = createOutboundFetch();
    try {
      for (const url of ["http://169.254.169.254/", "http://2852039166/", "http://[::ffff:a9fe:a9fe]/", "http://[fe80::1]/"]) {
        const error = await outbound(url, { signal: AbortSignal.timeout(5000) }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((error as { cause?: unknown }).cause, url).toBeInstanceOf(OutboundBlockedError);
        expect(String((error as { cause: Error }).cause.message)).toMatch(/^blocked by outbound policy: /);
      }
    } finally {
      await outbound.close();
    }
  });

  it("reaches loopback by name and by address under the default policy", async () => {
    const target = await localServer(answer(200));
    const outbound = createOutboundFetch();
    try {
      expect((await outbound(`${target.url}/a`, {})).status).toBe(200);
      expect((await outbound(`${target.url.replace("127.0.0.1", "localhost")}/b`, {})).status).toBe(200);
    } finally {
      await outbound.close();
      await target.close();
    }
  });
});

describe("the outbound configuration", () => {
  it("reads CUITTY_OUTBOUND_ALLOW and CUITTY_OUTBOUND_DENY as CIDR lists", () => {
    const config = loadConfig({ CUITTY_OUTBOUND_ALLOW: "169.254.170.2/32", CUITTY_OUTBOUND_DENY: "10.0.0.0/8 192.168.0.0/16" });
    expect(config.outboundPolicy.allow.map((r) => r.text)).toEqual(["169.254.170.2/32"]);
    expect(config.outboundPolicy.deny.map((r) => r.text)).toEqual(["10.0.0.0/8", "192.168.0.0/16"]);
  });

  it("refuses a malformed range at start, naming the variable and the entry", () => {
    expect(() => loadConfig({ CUITTY_OUTBOUND_DENY: "10.0.0.0/8,metadata" })).toThrow(/CUITTY_OUTBOUND_DENY: "metadata"/);
  });
});
