// Which addresses the server may call (health probes, rollback hooks, event subscriptions): IP notations, CIDR
// ranges and the default refusal of link-local and cloud-metadata targets. Pure: no DNS, no sockets.

export interface IpAddress {
  version: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

export interface CidrRange extends IpAddress {
  prefix: number;
  /** As written, for messages. */
  text: string;
}

/** One number of an inet_aton part: decimal, 0x hex or leading-zero octal. */
function parseIpv4Part(part: string): number | undefined {
  if (/^0x[0-9a-f]*$/i.test(part)) return part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16);
  if (/^0[0-7]+$/.test(part)) return Number.parseInt(part.slice(1), 8);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return Number(part);
  return undefined;
}

/**
 * An IPv4 address in any notation inet_aton (and so curl, browsers' URL parser, libc) accepts:
 * `169.254.169.254`, `2852039166`, `0xa9fea9fe`, `0251.0376.0251.0376`, `169.254.43518`.
 */
export function parseIpv4(text: string): IpAddress | undefined {
  const parts = text.split(".");
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop(); // a trailing dot, as URL parsers allow
  if (parts.length < 1 || parts.length > 4) return undefined;
  const nums = parts.map(parseIpv4Part);
  if (nums.some((n) => n === undefined || !Number.isFinite(n))) return undefined;
  const values = nums as number[];
  const last = values[values.length - 1]!;
  const head = values.slice(0, -1);
  if (head.some((n) => n > 255) || last >= 256 ** (4 - head.length)) return undefined;
  let value = last;
  for (const [i, n] of head.entries()) value += n * 256 ** (3 - i);
  const bytes = new Uint8Array([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]);
  return { version: 4, bytes };
}

/** An IPv6 address, brackets and zone id allowed (`[fe80::1%eth0]`), embedded IPv4 tail allowed. */
export function parseIpv6(text: string): IpAddress | undefined {
  let s = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  s = s.replace(/%.*$/, "");
  if (!s.includes(":") || !/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === "") return [];
    const out: number[] = [];
    const parts = half.split(":");
    for (const [i, part] of parts.entries()) {
      if (i === parts.length - 1 && part.includes(".")) {
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(part)) return undefined;
        const v4 = parseIpv4(part);
        if (!v4) return undefined;
        out.push((v4.bytes[0]! << 8) | v4.bytes[1]!, (v4.bytes[2]! << 8) | v4.bytes[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) out.push(Number.parseInt(part, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 255;
  });
  return { version: 6, bytes };
}

/** An IP literal in any notation, or undefined for a host name. */
export function parseIpAddress(text: string): IpAddress | undefined {
  return parseIpv6(text) ?? parseIpv4(text);
}

/** `::ffff:a.b.c.d` is the IPv4 address a.b.c.d: one rule covers both. */
function unmapped(ip: IpAddress): IpAddress {
  const b = ip.bytes;
  if (ip.version === 6 && b.slice(0, 10).every((x) => x === 0) && b[10] === 255 && b[11] === 255) {
    return { version: 4, bytes: b.slice(12) };
  }
  return ip;
}

export function formatIpAddress(ip: IpAddress): string {
  if (ip.version === 4) return [...ip.bytes].join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip.bytes[i]! << 8) | ip.bytes[i + 1]!).toString(16));
  return groups.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}

/** `169.254.0.0/16`, `fe80::/10`, or a single address (`/32`, `/128` implied). */
export function parseCidr(text: string): CidrRange | undefined {
  const [addr, bits, extra] = text.trim().split("/");
  if (extra !== undefined || !addr) return undefined;
  const ip = parseIpAddress(addr);
  if (!ip) return undefined;
  const max = ip.version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { ...ip, prefix, text: text.trim() };
}

/** Parses a comma- or space-separated list of ranges; throws naming the first bad entry. */
export function parseCidrList(text: string): CidrRange[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      const range = parseCidr(entry);
      if (!range) throw new Error(`"${entry}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, fd00::/8)`);
      return range;
    });
}

export function cidrContains(range: CidrRange, address: IpAddress): boolean {
  const ip = unmapped(address);
  const net = unmapped(range);
  const prefix = net.version === range.version ? range.prefix : range.prefix - 96;
  if (ip.version !== net.version || prefix < 0) return false;
  for (let bit = 0; bit < prefix; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((ip.bytes[bit >> 3]! & mask) !== (net.bytes[bit >> 3]! & mask)) return false;
  }
  return true;
}

/** Refused unless allowed: link-local (where every cloud serves instance metadata) and other metadata addresses. */
export const DEFAULT_OUTBOUND_DENY: readonly string[] = [
  "169.254.0.0/16", // IPv4 link-local: AWS, GCP, Azure, DigitalOcean, Oracle metadata at 169.254.169.254
  "fe80::/10", // IPv6 link-local
  "fd00:ec2::254/128", // AWS instance metadata over IPv6
  "100.100.100.200/32", // Alibaba Cloud metadata
];

/** Well-known host names of cloud metadata services, refused whatever they resolve to. */
export const METADATA_HOST_NAMES: readonly string[] = [
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
  "metadata.azure.com",
  "metadata.tencentyun.com",
  "metadata.platformequinix.com",
];

export interface OutboundPolicy {
  deny: readonly CidrRange[];
  allow: readonly CidrRange[];
  /** Defaults, kept apart: ranges the operator names win over them. */
  defaults: readonly CidrRange[];
}

export function createOutboundPolicy(opts: { allow?: readonly CidrRange[]; deny?: readonly CidrRange[] } = {}): OutboundPolicy {
  return {
    allow: opts.allow ?? [],
    deny: opts.deny ?? [],
    defaults: DEFAULT_OUTBOUND_DENY.map((r) => parseCidr(r)!),
  };
}

const longest = (ranges: readonly CidrRange[], ip: IpAddress) =>
  ranges.filter((r) => cidrContains(r, ip)).sort((a, b) => b.prefix - a.prefix)[0];

/**
 * Why the address is refused, or undefined when it may be called. The operator's ranges decide first (the more
 * specific of ALLOW and DENY wins, DENY on a tie); an address they do not mention is refused when a default covers it.
 */
export function addressBlockReason(policy: OutboundPolicy, address: IpAddress): string | undefined {
  const allow = longest(policy.allow, address);
  const deny = longest(policy.deny, address);
  const shown = formatIpAddress(unmapped(address));
  if (deny && (!allow || deny.prefix >= allow.prefix)) return `${shown} is in denied range ${deny.text}`;
  if (allow) return undefined;
  const builtIn = longest(policy.defaults, address);
  return builtIn ? `${shown} is link-local or a cloud metadata address (${builtIn.text})` : undefined;
}

/** Why a URL's host is refused before any DNS lookup (IP literal or metadata host name), or undefined. */
export function hostBlockReason(policy: OutboundPolicy, hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  const ip = parseIpAddress(host);
  if (ip) return addressBlockReason(policy, ip);
  if (METADATA_HOST_NAMES.includes(host)) {
    // An operator who allows the metadata address itself has opted in to its names as well.
    return addressBlockReason(policy, parseIpv4("169.254.169.254")!) && `${host} is a cloud metadata host name`;
  }
  return undefined;
}

/** Why a URL may not be called, or undefined; a URL that does not parse is left to the schema to refuse. */
export function urlBlockReason(policy: OutboundPolicy, url: string): string | undefined {
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return undefined;
  }
  const reason = hostBlockReason(policy, hostname);
  return reason && `blocked by outbound policy: ${reason}`;
}
