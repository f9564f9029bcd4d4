// Refusals made before tRPC runs (body too large, rate limited), in tRPC's own error shape.
import type { ServerResponse } from "node:http";
import { type CuittyCode, HTTP_STATUS_BY_CODE } from "@cuitty/core";
import { TRPC_CODE_BY_CUITTY_CODE } from "@cuitty/api";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";

export function sendRefusal(
  res: ServerResponse,
  url: URL,
  cuittyCode: CuittyCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  const trpcCode = TRPC_CODE_BY_CUITTY_CODE[cuittyCode];
  const httpStatus = HTTP_STATUS_BY_CODE[cuittyCode];
  const procedures = url.pathname.replace(/^.*\/trpc\//, "").split(",");
  const errorFor = (path: string) => ({
    error: {
      message,
      code: TRPC_ERROR_CODES_BY_KEY[trpcCode],
      data: { code: trpcCode, httpStatus, path, cuittyCode },
    },
  });
  const body = url.searchParams.get("batch") === "1" ? procedures.map(errorFor) : errorFor(procedures[0] ?? "");
  res.writeHead(httpStatus, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
