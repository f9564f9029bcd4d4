// Refusals made outside tRPC (bad target, body too large, rate limited…): tRPC's error shape on /trpc, a plain one elsewhere.
import type { ServerResponse } from "node:http";
import { type CuittyCode, HTTP_STATUS_BY_CODE, MAX_CALLS_PER_REQUEST } from "@cuitty/core";
import { TRPC_CODE_BY_CUITTY_CODE } from "@cuitty/api";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";

export function sendRefusal(
  res: ServerResponse,
  url: URL | undefined,
  cuittyCode: CuittyCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  const httpStatus = HTTP_STATUS_BY_CODE[cuittyCode];
  let body: unknown = { error: { message, data: { cuittyCode, httpStatus } } };
  if (url?.pathname.startsWith("/trpc/")) {
    const trpcCode = TRPC_CODE_BY_CUITTY_CODE[cuittyCode];
    const procedures = url.pathname.replace(/^.*\/trpc\//, "").split(",");
    const errorFor = (path: string) => ({
      error: {
        message,
        code: TRPC_ERROR_CODES_BY_KEY[trpcCode],
        data: { code: trpcCode, httpStatus, path, cuittyCode },
      },
    });
    // tRPC clients apply a single error to every call of a batch; an oversized batch is not echoed back call by call.
    const batch = url.searchParams.get("batch") === "1";
    if (!batch) body = errorFor(procedures[0] ?? "");
    else body = procedures.length <= MAX_CALLS_PER_REQUEST ? procedures.map(errorFor) : errorFor("");
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(httpStatus, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
