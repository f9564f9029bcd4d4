// Shared test helpers: what a real server recorded, and bounded waiting.
import { asc, eq } from "drizzle-orm";
import { deployEvents, deploys } from "@cuitty/db/schema";
import type { TestServer } from "@cuitty/server/testing";

/** Every accepted transition as "key from→to", in the order recorded. */
export async function recordedTransitions(server: TestServer): Promise<string[]> {
  const rows = await server.db.deploys
    .select({ key: deploys.externalKey, from: deployEvents.fromStatus, to: deployEvents.toStatus, reason: deployEvents.reason })
    .from(deployEvents)
    .innerJoin(deploys, eq(deploys.id, deployEvents.deployId))
    .orderBy(asc(deployEvents.id));
  return rows.map((r) => `${r.key} ${r.from ?? "∅"}→${r.to}${r.reason ? ` (${r.reason})` : ""}`);
}

export async function countEvents(server: TestServer): Promise<{ rows: number; distinctIds: number }> {
  const rows = await server.db.deploys.select({ eventId: deployEvents.eventId }).from(deployEvents);
  return { rows: rows.length, distinctIds: new Set(rows.map((r) => r.eventId)).size };
}

/** Polls `check` until it holds or `ms` passes (then throws with `what`). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
