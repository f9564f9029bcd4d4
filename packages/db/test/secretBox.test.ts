import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MasterKeyError, SecretBox, masterKeyId } from "../src/secretBox.js";

describe("SecretBox", () => {
  const key = randomBytes(32);

  it("round-trips a secret through a self-describing enc:v1 value that never contains it", () => {
    const box = new SecretBox({ current: key });
    const sealed = box.seal("cdk_admin_s3cret");
    expect(sealed).toMatch(new RegExp(`^enc:v1:${masterKeyId(key)}:[\\w-]+:[\\w-]+:[\\w-]+$`));
    expect(sealed).not.toContain("s3cret");
    expect(new SecretBox({ current: key }).open(sealed)).toBe("cdk_admin_s3cret");
    expect(box.seal("cdk_admin_s3cret")).not.toBe(sealed); // a fresh IV each time
  });

  it("passes plaintext rows through, with or without a key", () => {
    expect(new SecretBox().open("cdk_read_plain")).toBe("cdk_read_plain");
    expect(new SecretBox({ current: key }).open("cdk_read_plain")).toBe("cdk_read_plain");
    expect(new SecretBox().seal("cdk_read_plain")).toBe("cdk_read_plain");
  });

  it("says what a stored value becomes: encrypted, re-encrypted under the new key, decrypted, or left alone", () => {
    const next = randomBytes(32);
    const sealedOld = new SecretBox({ current: key }).seal("x");
    const rotating = new SecretBox({ current: next, previous: [key] });
    const resealed = rotating.reseal(sealedOld)!;
    expect(resealed.split(":")[2]).toBe(masterKeyId(next));
    expect(rotating.open(resealed)).toBe("x");
    expect(rotating.reseal(resealed)).toBeUndefined();
    expect(new SecretBox({ current: key }).reseal("plain")).toMatch(/^enc:v1:/);
    expect(new SecretBox({ previous: [key] }).reseal(sealedOld)).toBe("x");
    expect(new SecretBox().reseal("plain")).toBeUndefined();
  });

  it("refuses a value sealed under an unknown key or altered, with a MasterKeyError", () => {
    const sealed = new SecretBox({ current: key }).seal("x");
    expect(() => new SecretBox().open(sealed)).toThrow(MasterKeyError);
    expect(() => new SecretBox({ current: randomBytes(32) }).open(sealed)).toThrow(/configured master key is/);
    const parts = sealed.split(":");
    parts[5] = Buffer.from("y").toString("base64url");
    expect(() => new SecretBox({ current: key }).open(parts.join(":"))).toThrow(/altered/);
  });
});
