import { describe, expect, it } from "vitest";
import vectors from "../test-vectors/signature-vectors.json" with { type: "json" };
import { pathRelativeToPortal, sign, signingBytes, verify } from "./signature.js";

describe("signature vectors", () => {
  for (const v of vectors.vectors) {
    it(`sign() reproduces the vector "${v.name}"`, async () => {
      expect(new TextDecoder().decode(signingBytes(v))).toBe(v.signingString);
      expect(await sign(v)).toBe(v.signature);
    });
    it(`verify() accepts the vector "${v.name}" and refuses it with one byte changed`, async () => {
      expect(await verify({ ...v, signature: v.signature })).toBe(true);
      expect(await verify({ ...v, body: `${v.body} `, signature: v.signature })).toBe(false);
      expect(await verify({ ...v, apiKey: `${v.apiKey}x`, signature: v.signature })).toBe(false);
      expect(await verify({ ...v, timestamp: v.timestamp + 1, signature: v.signature })).toBe(false);
    });
  }
});

describe("verify", () => {
  const base = { apiKey: "k", timestamp: 1, method: "GET", pathAndQuery: "/trpc/x", body: "" };
  it("should refuse malformed signature headers without throwing", async () => {
    for (const signature of ["", "v1=", "v1=zz", `v2=${"a".repeat(64)}`, `v1=${"A".repeat(64)}`, "v1=abc"]) {
      expect(await verify({ ...base, signature })).toBe(false);
    }
  });
});

describe("pathRelativeToPortal", () => {
  it("should keep the path under the portal prefix so a stripping proxy keeps signatures valid", () => {
    expect(pathRelativeToPortal("https://x.example/deploys", "https://x.example/deploys/trpc/a.b?input=1")).toBe("/trpc/a.b?input=1");
    expect(pathRelativeToPortal("http://127.0.0.1:4400/", "http://127.0.0.1:4400/trpc/a?b=c")).toBe("/trpc/a?b=c");
  });
});

describe("signedHeaders", () => {
  it("should sign with the current time when no timestamp is given, even if the key is present but undefined", async () => {
    const { signedHeaders } = await import("./signature.js");
    const h = await signedHeaders(
      { projectId: "p", apiKey: "k" },
      { method: "GET", pathAndQuery: "/trpc/x", body: "", timestamp: undefined },
    );
    const ts = Number(h["x-cuitty-timestamp"]);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(5);
    expect(
      await verify({ apiKey: "k", method: "GET", pathAndQuery: "/trpc/x", body: "", timestamp: ts, signature: h["x-cuitty-signature"]! }),
    ).toBe(true);
  });
});
