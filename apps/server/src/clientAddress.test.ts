import { describe, expect, it } from "vitest";
import { clientAddressKey } from "./clientAddress.js";

describe("clientAddressKey", () => {
  it("should key IPv4 peers by address, mapped or not", () => {
    expect(clientAddressKey("203.0.113.7")).toBe("203.0.113.7");
    expect(clientAddressKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("should key IPv6 peers by their /64, however the address is written", () => {
    expect(clientAddressKey("2001:db8:0:1::5")).toBe("2001:db8:0:1::/64");
    expect(clientAddressKey("2001:0db8:0000:0001:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:0:1::/64");
    expect(clientAddressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(clientAddressKey("::1")).toBe("0:0:0:0::/64");
  });

  it("should give one key to a peer without an address", () => {
    expect(clientAddressKey(undefined)).toBe("unknown");
  });
});
