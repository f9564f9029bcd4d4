// The one outbound delivery worker: one bounded timer loop that drains every delivery queue (rollback hooks and
// outbound events, deliveryQueue.ts) under leases in the database, attempts each delivery once per turn (one
// attempt function, one retry policy type with an instance per queue), and records the outcome fenced by the
// lease. All progress lives in the databases, so a restart resumes where it stopped and several servers share
// the work without sending one delivery twice at once.
import type { Logger } from "@cuitty/api";
import type { Database } from "@cuitty/db";
import type { CrashAfter } from "../crashPoint.js";
import { type OutboundFetch, defaultOutboundFetch } from "../outboundFetch.js";
import { retryBusy } from "../retryBusy.js";
import { TickLoop, workerOwnerId } from "../tickLoop.js";
import { type DeliveryLane, type DeliveryQueue, attemptDelivery } from "./deliveryQueue.js";
import { eventQueue } from "./eventQueue.js";
import { deliveryVerdict, retryDelayMs } from "./retryPolicy.js";
import { rollbackHookQueue } from "./rollbackHookQueue.js";

export interface DeliveryWorkerOptions {
  /** This server's lease owner id (default: host, pid and a random suffix). */
  ownerId?: string;
  /** How often new events and due deliveries are looked for, in ms (default 250). */
  tickMs?: number;
  /** Rollback-hook calls in flight at once (default 16). */
  maxInFlight?: number;
  /** Outbound events: a subscription's lease, renewed every tick; must exceed the longest delivery (default 60 s). */
  leaseMs?: number;
  /** Outbound events: first retry delay, doubled per failed attempt up to retryMaxMs (defaults 1 s and 10 min). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Outbound events: failed attempts after which an event is given up and logged as such (default 20, about 2 hours). */
  maxAttempts?: number;
  /** Outbound events: the timeout of one delivery (default 10 s). */
  timeoutMs?: number;
  /** Outbound events delivered to one subscription per tick before others get a turn (default 100). */
  burst?: number;
  /** Delivered events are forgotten after this many seconds (default 7 days). */
  retentionSeconds?: number;
  /** Whether this server delivers rollback hooks (serve: CUITTY_HEALTH_WORKER; default true). */
  rollbackHooks?: boolean;
  /** Rollback hooks: the lease of one call (default 90 s). */
  hookLeaseMs?: number;
  /** Rollback hooks: first retry delay, doubled each attempt up to hookRetryMaxMs (defaults 2 s, 5 min). */
  hookRetryBaseMs?: number;
  hookRetryMaxMs?: number;
  /** Rollback hooks: attempts before a call is given up (default 8). */
  hookMaxAttempts?: number;
  /** Rollback hooks: the timeout of one call (default 10 s). */
  hookTimeoutMs?: number;
  /** GitHub API base URL for workflow_dispatch (default https://api.github.com). */
  githubApiUrl?: string;
  githubToken?: string;
  /** Unix ms clock (tests). */
  now?: () => number;
  /** Test-only crash points (CUITTY_TEST_CRASH_AFTER). */
  crashAfter?: CrashAfter;
  /** How deliveries reach the network, under the outbound policy (default: the built-in policy). */
  outbound?: OutboundFetch;
}

type Settings = Required<Omit<DeliveryWorkerOptions, "githubToken" | "ownerId" | "crashAfter">> & { githubToken?: string };

export class DeliveryWorker {
  readonly owner: string;
  readonly #o: Settings;
  readonly #crash: CrashAfter;
  readonly #queues: DeliveryQueue[];
  readonly #abort = new AbortController();
  /** Lanes being drained, by key, and how many of each queue. */
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #busy = new Map<DeliveryQueue, number>();
  readonly #loop: TickLoop;

  constructor(
    db: Database,
    private readonly log: Logger,
    options: DeliveryWorkerOptions = {},
  ) {
    this.owner = options.ownerId ?? workerOwnerId();
    this.#crash = options.crashAfter ?? (() => {});
    this.#o = {
      tickMs: 250,
      maxInFlight: 16,
      leaseMs: 60_000,
      retryBaseMs: 1000,
      retryMaxMs: 600_000,
      maxAttempts: 20,
      timeoutMs: 10_000,
      burst: 100,
      retentionSeconds: 7 * 86_400,
      rollbackHooks: true,
      hookLeaseMs: 90_000,
      hookRetryBaseMs: 2000,
      hookRetryMaxMs: 300_000,
      hookMaxAttempts: 8,
      hookTimeoutMs: 10_000,
      githubApiUrl: "https://api.github.com",
      now: Date.now,
      outbound: defaultOutboundFetch(),
      ...Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && k !== "ownerId" && k !== "crashAfter")),
    };
    const o = this.#o;
    this.#queues = [
      ...(o.rollbackHooks
        ? [
            rollbackHookQueue(db, log, {
              policy: { baseMs: o.hookRetryBaseMs, maxMs: o.hookRetryMaxMs, maxAttempts: o.hookMaxAttempts, giveUpWhenPermanent: true },
              timeoutMs: o.hookTimeoutMs,
              leaseMs: o.hookLeaseMs,
              githubApiUrl: o.githubApiUrl,
              githubToken: o.githubToken,
            }),
          ]
        : []),
      eventQueue(db, log, {
        policy: { baseMs: o.retryBaseMs, maxMs: o.retryMaxMs, maxAttempts: o.maxAttempts, giveUpWhenPermanent: false },
        timeoutMs: o.timeoutMs,
        leaseMs: o.leaseMs,
        burst: o.burst,
        retentionSeconds: o.retentionSeconds,
        now: o.now,
      }),
    ];
    this.#loop = new TickLoop("delivery", o.tickMs, () => this.#tick(), log);
  }

  /** Starts the loop: deliveries left pending by a previous run are due at once and resume. */
  start(): void {
    this.#loop.start();
  }

  /** Look now rather than at the next tick (a transition was just accepted, or a rollback queued hook calls). */
  poke(): void {
    this.#loop.poke();
  }

  async stop(): Promise<void> {
    if (this.#loop.stopped) return;
    this.#abort.abort(); // an attempt cut short is not recorded: it is sent again after the restart
    await this.#loop.stop();
    await Promise.allSettled(this.#inFlight.values());
    if (!this.#loop.started) return;
    for (const q of this.#queues) {
      await retryBusy(() => q.release(this.owner)).catch((error) =>
        this.log.warn("delivery: could not release leases; they expire on their own", { error: String(error) }),
      );
    }
  }

  async #tick(): Promise<void> {
    for (const q of this.#queues) {
      if (this.#loop.stopped) return;
      // One queue's failing step (its table locked, say) does not hold up the other's deliveries.
      await this.#turn(q).catch((error) => this.log.error("delivery: tick failed", { error: String(error) }));
    }
  }

  /** Claims the queue's due lanes and starts draining those not in flight already. */
  async #turn(q: DeliveryQueue): Promise<void> {
    await q.prepare?.();
    const now = this.#o.now();
    const room = this.#o.maxInFlight - (this.#busy.get(q) ?? 0);
    const lanes = await retryBusy(() => q.claim(this.owner, now, room));
    for (const lane of lanes) {
      if (this.#loop.stopped || this.#inFlight.has(lane.key) || lane.dueMs > now) continue;
      this.#busy.set(q, (this.#busy.get(q) ?? 0) + 1);
      const run = this.#drain(q, lane)
        .catch((error) => {
          if (!this.#abort.signal.aborted) this.log.error(q.stepFailed, { ...lane.fields, error: String(error) });
        })
        .finally(() => {
          this.#inFlight.delete(lane.key);
          this.#busy.set(q, (this.#busy.get(q) ?? 1) - 1);
        });
      this.#inFlight.set(lane.key, run);
    }
  }

  /** Attempts the lane's deliveries in order until one fails, none is left, or the burst is used. */
  async #drain(q: DeliveryQueue, lane: DeliveryLane): Promise<void> {
    let attempts = lane.attempts;
    for (let sent = 0; sent < lane.burst && !this.#loop.stopped; sent++) {
      const delivery = await retryBusy(() => lane.next());
      if (!delivery) return;
      const attempt = attempts + 1;
      const result = await attemptDelivery(delivery.request, {
        timeoutMs: q.timeoutMs,
        stopSignal: this.#abort.signal,
        fetch: this.#o.outbound,
      });
      if (result.delivered && q.crashAfterDelivered) this.#crash(q.crashAfterDelivered);
      const verdict = deliveryVerdict(q.policy, attempt, result);
      const retryInMs = retryDelayMs(attempt, q.policy.baseMs, q.policy.maxMs);
      const nowMs = this.#o.now();
      const kept = await retryBusy(() => delivery.record({ ...result, verdict, attempt, nowMs, retryInMs }));
      if (!kept || verdict === "retry") return;
      attempts = 0;
    }
  }
}
