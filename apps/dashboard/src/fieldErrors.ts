// Validation refusals (VALIDATION_FAILED with data.fields) turned into one message per form field.
import { TRPCClientError } from "@trpc/client";

/**
 * The server names the refused fields in `data.fields` and says why in the message, as
 * "field: why; other: why" (zod issues). Fields without their own sentence get the whole message.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof TRPCClientError)) return {};
  const data = (error.data ?? {}) as { cuittyCode?: string; fields?: unknown };
  if (data.cuittyCode !== "VALIDATION_FAILED" || !Array.isArray(data.fields)) return {};
  const said = new Map<string, string>();
  for (const part of error.message.split("; ")) {
    const m = /^([\w.]+): (.+)$/s.exec(part);
    if (m) said.set(m[1]!, m[2]!);
  }
  const out: Record<string, string> = {};
  for (const field of data.fields) if (typeof field === "string") out[field] = said.get(field) ?? error.message;
  return out;
}
