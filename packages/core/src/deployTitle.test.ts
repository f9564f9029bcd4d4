import { describe, expect, it } from "vitest";
import { deployTitle } from "./deployTitle.js";

describe("deployTitle", () => {
  it("is the version, else the short SHA, else the key, else the id", () => {
    expect(deployTitle({ version: "v1.26.0", commitSha: "abc1234def", externalKey: "k", id: 4 })).toBe("v1.26.0");
    expect(deployTitle({ version: null, commitSha: "abc1234def5678", externalKey: "local:vm:1795961018206:production" })).toBe("abc1234");
    expect(deployTitle({ version: "", commitSha: null, externalKey: "ci-991" })).toBe("ci-991");
    expect(deployTitle({ id: 45 })).toBe("#45");
  });
});
