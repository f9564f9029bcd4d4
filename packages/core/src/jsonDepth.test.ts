import { describe, expect, it } from "vitest";
import { jsonDepthExceeds } from "./jsonDepth.js";

describe("jsonDepthExceeds", () => {
  it("should count objects and arrays, the outermost included", () => {
    expect(jsonDepthExceeds('{"a":[{"b":[]}]}', 4)).toBe(false);
    expect(jsonDepthExceeds('{"a":[{"b":[]}]}', 3)).toBe(true);
    expect(jsonDepthExceeds("42", 0)).toBe(false);
  });

  it("should ignore brackets inside strings, escaped quotes included", () => {
    expect(jsonDepthExceeds('{"a":"[[[[{{{{","b":"\\"[[[["}', 1)).toBe(false);
    expect(jsonDepthExceeds('["\\\\",[[]]]', 2)).toBe(true);
  });

  it("should read UTF-8 bytes as it reads strings", () => {
    const text = '{"ü":["é[",{"ß":[]}]}';
    expect(jsonDepthExceeds(new TextEncoder().encode(text), 4)).toBe(jsonDepthExceeds(text, 4));
    expect(jsonDepthExceeds(new TextEncoder().encode(text), 3)).toBe(true);
  });

  it("should scan 200,000 levels without recursion", () => {
    expect(jsonDepthExceeds("[".repeat(200_000) + "]".repeat(200_000), 32)).toBe(true);
  });
});
