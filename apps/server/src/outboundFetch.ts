// The one way the server calls out (health probes, rollback hooks, event deliveries): fetch through an undici
// Agent whose connector checks the address it is about to connect to, after DNS, so a name that resolves (or is
// rebound) to a link-local or metadata address is refused the same as a literal one.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { isIP } from "node:net";
import { type OutboundPolicy, addressBlockReason, createOutboundPolicy, hostBlockReason, parseIpAddress } from "@cuitty/core";
import { Agent, buildConnector, fetch as undiciFetch } from "undici";

/** Why a connection was not made; fetch rejects with it as `cause`, and failures are recorded with its message. */
export class OutboundBlockedError extends Error {
  override readonly name = "OutboundBlockedError";
  readonly code = "E_OUTBOUND_BLOCKED";
  constructor(reason: string) {
    super(`blocked by outbound policy: ${reason}`);
  }
}

export interface OutboundFetch {
  (url: string | URL, init: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that refuses when any address the name resolves to is blocked (all of them could be tried). */
function guardedLookup(policy: OutboundPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const a of addresses) {
        const ip = parseIpAddress(a.address);
        const reason = ip ? addressBlockReason(policy, ip) : `${a.address} is not an IP address`;
        if (reason) return callback(new OutboundBlockedError(`${hostname} resolves to ${reason}`), []);
      }
      const first = addresses[0];
      if (options.all) return callback(null, addresses);
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), []);
      callback(null, first.address, first.family);
    });
  };
}

export function createOutboundFetch(policy: OutboundPolicy = createOutboundPolicy()): OutboundFetch {
  const base = buildConnector({ lookup: guardedLookup(policy) as never });
  const agent = new Agent({
    connect: (options, callback) => {
      // Literal addresses never reach lookup, so they are checked here (again: the policy may have changed since
      // the URL was stored).
      const host = options.hostname.replace(/^\[(.*)\]$/, "$1");
      const ip = isIP(host) ? parseIpAddress(host) : undefined;
      const reason = ip ? addressBlockReason(policy, ip) : hostBlockReason(policy, host);
      if (reason) return callback(new OutboundBlockedError(reason), null);
      base(options, callback);
    },
  });
  const outbound = ((url: string | URL, init: RequestInit) =>
    undiciFetch(url, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>) as OutboundFetch;
  outbound.close = () => agent.close();
  return outbound;
}

let shared: OutboundFetch | undefined;
/** The default policy's fetch, for workers started without one (tests that build a worker directly). */
export function defaultOutboundFetch(): OutboundFetch {
  return (shared ??= createOutboundFetch());
}
