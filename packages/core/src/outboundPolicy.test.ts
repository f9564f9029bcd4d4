import { describe, expect, it } from "vitest";
import {
  addressBlockReason,
  createOutboundPolicy,
  formatIpAddress,
  parseCidrList,
  parseIpAddress,
  urlBlockReason,
} from "./outboundPolicy.js";

const policy = createOutboundPolicy();
const ip = (text: string) => {
  const parsed = parseIpAddress(text);
  if (!parsed) throw new Error(`not an address: ${text}`);
  return parsed;
};

describe("IP notations", () => {
  it("reads every inet_aton notation of the metadata address as 169.254.169.254", () => {
    for (const text of [
      "169.254.169.254",
      "2852039166",
      "0xa9fea9fe",
      "0xA9.0xFE.0xA9.0xFE",
      "0251.0376.0251.0376",
      "169.254.43518",
      "169.16689662",
      "169.254.169.254.",
    ]) {
      expect(formatIpAddress(ip(text)), text).toBe("169.254.169.254");
    }
  });

  it("reads IPv6 with brackets, zone ids, compression and an IPv4 tail", () => {
    expect(formatIpAddress(ip("[fe80::1%25eth0]"))).toBe("fe80::1");
    expect(formatIpAddress(ip("FD00:EC2::254"))).toBe("fd00:ec2::254");
    expect(ip("::ffff:169.254.169.254").bytes.slice(12)).toEqual(new Uint8Array([169, 254, 169, 254]));
    expect(ip("::ffff:a9fe:a9fe").bytes).toEqual(ip("::ffff:169.254.169.254").bytes);
  });

  it("treats host names and malformed literals as not an address", () => {
    for (const text of ["example.com", "1.2.3.4.5", "256.1.1.1", "1::2::3", "09.1.1.1", "", "4294967296"]) {
      expect(parseIpAddress(text), text).toBeUndefined();
    }
  });
});

describe("the default outbound policy", () => {
  it("refuses link-local and metadata addresses in any notation", () => {
    for (const url of [
      "http://169.254.169.254/latest/meta-data/",
      "http://2852039166/",
      "http://0xa9fea9fe/",
      "http://0251.0376.0251.0376/",
      "http://[::ffff:169.254.169.254]/",
      "http://[::ffff:a9fe:a9fe]/",
      "http://[fe80::1]/",
      "http://[fd00:ec2::254]/",
      "http://100.100.100.200/",
      "http://metadata.google.internal/computeMetadata/v1/",
      "http://METADATA.google.internal./",
      "http://metadata/",
      "http://instance-data.ec2.internal/",
    ]) {
      expect(urlBlockReason(policy, url), url).toMatch(/^blocked by outbound policy: /);
    }
  });

  it("allows loopback, private ranges and ordinary host names", () => {
    for (const url of [
      "http://127.0.0.1:8080/healthz",
      "http://10.1.2.3/",
      "http://192.168.0.10/",
      "http://[::1]/",
      "http://[fd12::1]/",
      "https://api.example.com/healthz",
      "http://localhost/",
    ]) {
      expect(urlBlockReason(policy, url), url).toBeUndefined();
    }
  });
});

describe("operator ranges", () => {
  it("allows a default-denied range the operator allows, metadata names included", () => {
    const open = createOutboundPolicy({ allow: parseCidrList("169.254.0.0/16") });
    expect(urlBlockReason(open, "http://169.254.169.254/")).toBeUndefined();
    expect(urlBlockReason(open, "http://metadata.google.internal/")).toBeUndefined();
    expect(urlBlockReason(open, "http://[fe80::1]/")).toMatch(/blocked/);
  });

  it("denies the operator's ranges, the more specific of allow and deny winning", () => {
    const p = createOutboundPolicy({ deny: parseCidrList("10.0.0.0/8, 127.0.0.1"), allow: parseCidrList("10.1.0.0/16") });
    expect(addressBlockReason(p, ip("10.2.0.1"))).toMatch(/10\.0\.0\.0\/8/);
    expect(addressBlockReason(p, ip("10.1.0.1"))).toBeUndefined();
    expect(addressBlockReason(p, ip("::ffff:127.0.0.1"))).toMatch(/127\.0\.0\.1/);
    expect(addressBlockReason(p, ip("127.0.0.2"))).toBeUndefined();
  });

  it("refuses a malformed range naming it", () => {
    expect(() => parseCidrList("10.0.0.0/8,nope")).toThrow(/"nope"/);
    expect(() => parseCidrList("10.0.0.0/33")).toThrow(/10\.0\.0\.0\/33/);
  });
});
