// Refuses health URLs and hook targets the server's outbound policy forbids, when they are set (VALIDATION_FAILED).
import { CuittyError, createOutboundPolicy, urlBlockReason } from "@cuitty/core";
import type { Context } from "./context.js";

const defaultPolicy = createOutboundPolicy();

/** Throws VALIDATION_FAILED naming every field whose URL points at a refused target (link-local, metadata…). */
export function assertOutboundUrls(ctx: Pick<Context, "outbound">, urls: Record<string, string | null | undefined>): void {
  const policy = ctx.outbound ?? defaultPolicy;
  const refused = Object.entries(urls).flatMap(([field, url]) => {
    const reason = url ? urlBlockReason(policy, url) : undefined;
    return reason ? [{ field, reason }] : [];
  });
  if (refused.length > 0) {
    throw new CuittyError("VALIDATION_FAILED", refused.map((r) => `${r.field}: ${r.reason}`).join("; "), {
      fields: refused.map((r) => r.field),
      issues: refused.map((r) => ({ path: r.field, message: r.reason, code: "custom" })),
    });
  }
}
