// The key a client's unauthenticated traffic is limited by: its IPv4 address, or its IPv6 /64.

/** One host commonly holds a whole IPv6 /64, so limiting single IPv6 addresses would limit nothing. */
export function clientAddressKey(remote: string | undefined): string {
  if (!remote) return "unknown";
  const address = remote.replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(":")) return address;
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g || "0", 16).toString(16))
    .join(":")}::/64`;
}
