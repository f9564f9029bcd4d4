// The direct path from node:http into one tRPC procedure, for the common case: one call (no batch), a procedure
// that exists, the method its type takes (GET query, POST mutation) and input that parses as JSON.
//
// tRPC's fetch adapter builds a fetch Request, Headers, an AbortSignal and a Response for every call, 15 % of a
// single emit's time (its node-http adapter builds them too). Here the procedure is called as resolveResponse
// calls it, and the answer is built as resolveResponse builds it for a single call (same error shape, status and
// headers, from tRPC's own functions), so the bytes are the same; directCall.test.ts holds it to that. Anything
// else (batches, unknown procedures, the wrong method, unparsable input) returns undefined and takes the stock path.
import { type Context, appRouter } from "@cuitty/api";
import {
  defaultTransformer,
  getErrorShape,
  getHTTPStatusCode,
  getTRPCErrorFromUnknown,
  transformTRPCResponse,
  type TRPCError,
} from "@trpc/server/unstable-core-do-not-import";

type Procedure = ((opts: {
  path: string;
  getRawInput: () => Promise<unknown>;
  ctx: Context;
  type: "query" | "mutation";
  signal: AbortSignal | undefined;
  batchIndex: number;
}) => Promise<unknown>) & { _def: { type: string } };

export interface DirectAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const procedures = appRouter._def.procedures as unknown as Record<string, Procedure | undefined>;
const config = appRouter._def._config;
/**
 * The router has no transformer (tRPC's default serialises a value as itself): the answer is then the JSON of the
 * response as is, and transformTRPCResponse would only copy it (two object spreads per call) before the same JSON.
 */
const untransformed = config.transformer === defaultTransformer;
/** A procedure path as tRPC names them; anything percent-encoded or odd goes the stock way. */
const PLAIN_PATH = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;

export async function callDirect(opts: {
  method: string;
  url: URL;
  body: Buffer;
  ctx: Context;
  onError: (e: { error: TRPCError; path: string }) => void;
}): Promise<DirectAnswer | undefined> {
  const path = opts.url.pathname.slice("/trpc/".length);
  if (!PLAIN_PATH.test(path) || opts.url.searchParams.get("batch") === "1") return undefined;
  const proc = Object.hasOwn(procedures, path) ? procedures[path] : undefined;
  const type = proc?._def.type;
  if (!proc || !((type === "query" && opts.method === "GET") || (type === "mutation" && opts.method === "POST"))) return undefined;
  let input: unknown;
  try {
    const text = opts.method === "GET" ? opts.url.searchParams.get("input") : opts.body.toString("utf8");
    if (text) input = JSON.parse(text);
  } catch {
    return undefined;
  }
  let res: { result: { data: unknown } } | { error: ReturnType<typeof getErrorShape> };
  let errors: TRPCError[] = [];
  try {
    const data = await proc({ path, getRawInput: async () => input, ctx: opts.ctx, type, signal: undefined, batchIndex: 0 });
    res = { result: { data } };
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    opts.onError({ error, path });
    errors = [error];
    res = { error: getErrorShape({ config, ctx: opts.ctx, error, input, path, type }) };
  }
  return {
    status: getHTTPStatusCode([res] as never, errors),
    // In the order the fetch adapter's Headers list them (sorted), as httpServer writes them.
    headers: { "content-type": "application/json", vary: "trpc-accept, accept" },
    body: JSON.stringify(untransformed ? res : transformTRPCResponse(config, res as never)),
  };
}
