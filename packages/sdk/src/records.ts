// Audit entries and perf snapshots: validated locally, then queued on their own channels (audit.record, perf.record).
import {
  type AuditEntryInput,
  type PerfSnapshotInput,
  type auditEntrySchema,
  type perfSnapshotSchema,
  zodFieldPaths,
  zodMessage,
} from "@cuitty/core";
import type { ItemOutcome } from "./channel.js";
import { CuittyClientError } from "./errors.js";
import type { CuittyTrpcClient } from "./transport.js";

export type AuditEntry = ReturnType<typeof auditEntrySchema.parse>;
export type PerfSnapshot = ReturnType<typeof perfSnapshotSchema.parse>;

/** The part of a zod schema used here (the SDK does not depend on zod itself). */
interface Schema<O> {
  safeParse(value: unknown): { success: true; data: O } | { success: false; error: Parameters<typeof zodMessage>[0] };
}

/**
 * Validates each item as the server will, reporting the ones it refuses through `report` (never throwing)
 * and returning the rest. `fill` adds defaults before validation.
 */
export function validItems<O, I>(
  kind: string,
  schema: Schema<O>,
  input: I | readonly I[],
  fill: (item: I) => unknown,
  report: (error: CuittyClientError) => void,
): O[] {
  const items: readonly I[] = Array.isArray(input) ? input : [input as I];
  const valid: O[] = [];
  for (const item of items) {
    const parsed = schema.safeParse(item !== null && typeof item === "object" ? fill(item) : item);
    if (parsed.success) valid.push(parsed.data);
    else
      report(
        new CuittyClientError("VALIDATION_FAILED", `${kind} refused before sending: ${zodMessage(parsed.error)}`, {
          items: [item],
          fields: zodFieldPaths(parsed.error),
        }),
      );
  }
  return valid;
}

/** An audit entry id makes a retried batch harmless: the server records each id once per project. */
export function fillAuditEntry(entry: AuditEntryInput): AuditEntryInput {
  return {
    ...entry,
    id: entry.id ?? `aud_${globalThis.crypto.randomUUID()}`,
    occurredAt: entry.occurredAt ?? Math.floor(Date.now() / 1000),
  };
}

/** A perf snapshot id likewise: a batch retried after its answer was lost is recorded once. */
export function fillPerfSnapshot(snapshot: PerfSnapshotInput): PerfSnapshotInput {
  return { ...snapshot, id: snapshot.id ?? `perf_${globalThis.crypto.randomUUID()}` };
}

/** Both procedures take or refuse a batch as a whole, so every item of an accepted batch is delivered. */
const allDelivered = (n: number): ItemOutcome[] => Array.from({ length: n }, () => ({ ok: true }) as const);

export function sendAudit(trpc: CuittyTrpcClient) {
  return async (entries: AuditEntry[]): Promise<ItemOutcome[]> => {
    await trpc.audit.record.mutate({ entries });
    return allDelivered(entries.length);
  };
}

export function sendPerf(trpc: CuittyTrpcClient) {
  return async (snapshots: PerfSnapshot[]): Promise<ItemOutcome[]> => {
    await trpc.perf.record.mutate({ snapshots });
    return allDelivered(snapshots.length);
  };
}
