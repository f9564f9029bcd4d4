// The outbound events worker: feeds the outbox from deploys.db, then delivers each subscription's events one
// at a time in outbox order (so every deploy's events arrive in order), retrying with exponential backoff.
// All progress lives in hooks.db (cursors), so a restart resumes where it stopped; a lease per subscription
// keeps two servers on one database from delivering to the same receiver at once.
import type { Logger } from "@cuitty/api";
import {
  type Database,
  type HookSubscription,
  claimHookSubscriptions,
  feedOutbox,
  nextHookEvent,
  pruneOutbox,
  reconcileDeployMarks,
  recordHookDelivery,
  releaseHookSubscriptions,
} from "@cuitty/db";
import { retryDelayMs } from "../outboundPost.js";
import { retryBusy } from "../retryBusy.js";
import { TickLoop, workerOwnerId } from "../tickLoop.js";
import { deliverEvent } from "./deliverEvent.js";
import { type OutboundFetch, defaultOutboundFetch } from "../outboundFetch.js";

export interface HookWorkerOptions {
  ownerId?: string;
  /** How often new events and due retries are looked for, in ms (default 250). */
  tickMs?: number;
  /** Subscription lease, renewed every tick; must exceed the longest delivery (default 60 s). */
  leaseMs?: number;
  /** First retry delay, doubled per failed attempt up to retryMaxMs (defaults 1 s and 10 min). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Failed attempts after which an event is given up and logged as such (default 20, about 2 hours). */
  maxAttempts?: number;
  timeoutMs?: number;
  /** Events delivered to one subscription per tick before others get a turn (default 100). */
  burst?: number;
  /** Delivered events are forgotten after this many seconds (default 7 days). */
  retentionSeconds?: number;
  now?: () => number;
  /** How deliveries reach the network, under the outbound policy (default: the built-in policy). */
  outbound?: OutboundFetch;
}

export class HookWorker {
  readonly owner: string;
  readonly #o: Required<Omit<HookWorkerOptions, "ownerId">>;
  readonly #abort = new AbortController();
  readonly #inFlight = new Map<number, Promise<void>>();
  readonly #loop: TickLoop;
  #lastPruneMs = 0;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    options: HookWorkerOptions = {},
  ) {
    this.owner = options.ownerId ?? workerOwnerId();
    this.#o = {
      tickMs: 250,
      leaseMs: 60_000,
      retryBaseMs: 1000,
      retryMaxMs: 600_000,
      maxAttempts: 20,
      timeoutMs: 10_000,
      burst: 100,
      retentionSeconds: 7 * 86_400,
      now: Date.now,
      outbound: defaultOutboundFetch(),
      ...Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && k !== "ownerId")),
    };
    this.#loop = new TickLoop("hooks", this.#o.tickMs, () => this.#tick(), log);
  }

  start(): void {
    this.#loop.start();
  }

  /** Look now rather than at the next tick (a transition was just accepted). */
  poke(): void {
    this.#loop.poke();
  }

  async stop(): Promise<void> {
    if (this.#loop.stopped) return;
    this.#abort.abort(); // an attempt cut short is not recorded: the event is sent again after the restart
    await this.#loop.stop();
    await Promise.allSettled(this.#inFlight.values());
    if (!this.#loop.started) return;
    await retryBusy(() => releaseHookSubscriptions(this.db, this.owner)).catch((error) =>
      this.log.warn("hooks: could not release leases; they expire on their own", { error: String(error) }),
    );
  }

  async #tick(): Promise<void> {
    if (this.#lastPruneMs === 0) await retryBusy(() => reconcileDeployMarks(this.db, Math.floor(this.#o.now() / 1000)));
    await retryBusy(() => feedOutbox(this.db));
    const now = this.#o.now();
    if (now - this.#lastPruneMs > 60_000) {
      this.#lastPruneMs = now;
      await retryBusy(() => pruneOutbox(this.db, Math.floor(now / 1000) - this.#o.retentionSeconds));
    }
    const subs = await retryBusy(() => claimHookSubscriptions(this.db, this.owner, now, this.#o.leaseMs));
    for (const s of subs) {
      if (this.#loop.stopped || this.#inFlight.has(s.id) || s.nextAttemptMs > now) continue;
      const run = this.#drain(s)
        .catch((error) => {
          if (!this.#loop.stopped) this.log.error("hooks: delivery failed", { hook: s.id, error: String(error) });
        })
        .finally(() => this.#inFlight.delete(s.id));
      this.#inFlight.set(s.id, run);
    }
  }

  /** Delivers the subscription's next events in order until one fails, none is left, or the burst is used. */
  async #drain(initial: HookSubscription): Promise<void> {
    let attempts = initial.attempts;
    for (let sent = 0; sent < this.#o.burst && !this.#loop.stopped; sent++) {
      const event = await retryBusy(() => nextHookEvent(this.db, initial.id));
      if (!event) return;
      const attempt = attempts + 1;
      const result = await deliverEvent(initial, event, {
        timeoutMs: this.#o.timeoutMs,
        stopSignal: this.#abort.signal,
        fetch: this.#o.outbound,
      });
      const nowMs = this.#o.now();
      const outcome = result.delivered ? "delivered" : attempt >= this.#o.maxAttempts ? "gave_up" : "failed";
      const backoff = retryDelayMs(attempt, this.#o.retryBaseMs, this.#o.retryMaxMs);
      const kept = await retryBusy(() =>
        recordHookDelivery(this.db, this.owner, {
          subscriptionId: initial.id,
          projectId: initial.projectId,
          event,
          attempt,
          outcome,
          statusCode: result.status,
          error: result.error,
          durationMs: result.durationMs,
          nowMs,
          nextAttemptMs: nowMs + backoff,
        }),
      );
      if (!kept) return; // another server took the subscription over (or it was removed)
      if (outcome === "failed") {
        this.log.warn("hooks: delivery failed, will retry", {
          hook: initial.id,
          event: event.id,
          attempt,
          error: result.error,
          retryInMs: backoff,
        });
        return;
      }
      if (outcome === "gave_up") this.log.error("hooks: gave up on an event", { hook: initial.id, event: event.id, attempts: attempt });
      attempts = 0;
    }
  }
}
