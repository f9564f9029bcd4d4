// The health-check worker: one bounded timer loop that claims due probe series from the database under leases,
// probes, records the outcome, and rolls back deploys whose checks failed where auto-rollback is on. All state
// lives in deploys.db, so a restart resumes where it stopped and several servers share the work without probing
// one deploy twice. The hook calls a rollback queues are delivered by the delivery worker (delivery/).
import type { Logger, TransitionNotice } from "@cuitty/api";
import {
  type ClaimedSeries,
  type Database,
  abandonSeries,
  claimDueSeries,
  copyAuditOutbox,
  findAutoRollbackCandidates,
  nextStep,
  recordProbe,
  releaseSeriesLeases,
} from "@cuitty/db";
import type { CrashAfter } from "../crashPoint.js";
import { autoRollback } from "./autoRollback.js";
import { healthProbe, prometheusConditionOf } from "./prometheusProbe.js";
import { type OutboundFetch, defaultOutboundFetch } from "../outboundFetch.js";
import { retryBusy } from "../retryBusy.js";
import { TickLoop, workerOwnerId } from "../tickLoop.js";

export interface HealthWorkerOptions {
  /** This server's lease owner id (default: host, pid and a random suffix). */
  ownerId?: string;
  /** How often due work is looked for, in ms (default 500). */
  tickMs?: number;
  /** How long one second of the policy's interval lasts, in ms (default 1000; tests shorten it). */
  secondMs?: number;
  /**
   * How long the lease of one probe lasts; it must exceed the longest probe (timeouts go up to 60 s). Only a
   * crash mid-probe makes another server wait for it (default 90 s).
   */
  leaseMs?: number;
  /** Probes in flight at once (default 16). */
  maxInFlight?: number;
  /** How often the auto-rollback sweep runs besides right after a failing verdict (default 10 s). */
  sweepEveryMs?: number;
  /** Unix ms clock (tests). */
  now?: () => number;
  /** Test-only crash points (CUITTY_TEST_CRASH_AFTER). */
  crashAfter?: CrashAfter;
  /** How probes reach the network, under the outbound policy (default: the built-in policy). */
  outbound?: OutboundFetch;
  /** Called after an auto-rollback committed, its hook calls queued (serve: wakes the delivery worker). */
  afterRollback?: () => void;
}

export class HealthWorker {
  readonly owner: string;
  readonly #o: Required<Omit<HealthWorkerOptions, "ownerId" | "crashAfter" | "afterRollback">>;
  readonly #afterRollback: () => void;
  readonly #crash: CrashAfter;
  readonly #abort = new AbortController();
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #loop: TickLoop;
  #lastSweepMs = 0;
  #sweepSoon = true;
  /** Deploys whose rollback found no target: not retried by this process (the audit entry says why). */
  readonly #noTarget = new Set<number>();

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    options: HealthWorkerOptions = {},
  ) {
    this.owner = options.ownerId ?? workerOwnerId();
    this.#crash = options.crashAfter ?? (() => {});
    this.#afterRollback = options.afterRollback ?? (() => {});
    this.#o = {
      tickMs: 500,
      secondMs: 1000,
      leaseMs: 90_000,
      maxInFlight: 16,
      sweepEveryMs: 10_000,
      now: Date.now,
      outbound: defaultOutboundFetch(),
      ...Object.fromEntries(
        Object.entries(options).filter(([k, v]) => v !== undefined && k !== "ownerId" && k !== "crashAfter" && k !== "afterRollback"),
      ),
    };
    this.#loop = new TickLoop("health", this.#o.tickMs, () => this.#tick(), log);
  }

  /** Starts the loop: pending series left by a previous run are due at once and resume. */
  start(): void {
    this.#loop.start();
  }

  /**
   * Hears accepted transitions (on every server, worker on or off). A go-live's series was written in the
   * transition's own transaction; this only looks for it now.
   */
  onTransition(notice: TransitionNotice): void {
    if (this.#loop.stopped) return;
    if (notice.to === "live") this.poke();
  }

  /** Look for due work now rather than at the next tick. */
  poke(): void {
    this.#loop.poke();
  }

  async stop(): Promise<void> {
    if (this.#loop.stopped) return;
    this.#abort.abort(); // in-flight probes end now and are not recorded
    await this.#loop.stop();
    await Promise.allSettled(this.#inFlight.values());
    if (!this.#loop.started) return;
    try {
      await retryBusy(() => releaseSeriesLeases(this.db, this.owner));
    } catch (error) {
      this.log.warn("health: could not release leases; they expire on their own", { error: String(error) });
    }
  }

  #track(key: string, work: Promise<void>): void {
    const p = work.finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, p);
  }

  async #tick(): Promise<void> {
    const now = this.#o.now();
    if (this.#sweepSoon || now - this.#lastSweepMs >= this.#o.sweepEveryMs) await this.#sweep();
    const room = this.#o.maxInFlight - this.#inFlight.size;
    if (room <= 0) return;
    const series = await retryBusy(() => claimDueSeries(this.db, this.owner, now, this.#o.leaseMs, room));
    for (const s of series) this.#track(`series:${s.deployId}`, this.#runSeries(s));
  }

  async #sweep(): Promise<void> {
    this.#sweepSoon = false;
    this.#lastSweepMs = this.#o.now();
    // Audit entries an auto-rollback owes (left by a crash right after its commit) are copied first.
    await retryBusy(() => copyAuditOutbox(this.db, Math.floor(this.#o.now() / 1000), { afterCopy: () => this.#crash("audit-copy") }));
    const candidates = await retryBusy(() => findAutoRollbackCandidates(this.db));
    for (const c of candidates) {
      if (this.#noTarget.has(c.deployId) || this.#loop.stopped) continue;
      const outcome = await retryBusy(() =>
        autoRollback(this.db, c.projectId, c.deployId, { nowMs: this.#o.now(), crashAfter: this.#crash }),
      );
      if (outcome.kind === "no_target") this.#noTarget.add(c.deployId);
      if (outcome.kind !== "already_done") this.log.warn("health: auto-rollback", { deployId: c.deployId, ...outcome });
      if (outcome.kind === "rolled_back") this.#afterRollback();
    }
  }

  async #runSeries(s: ClaimedSeries): Promise<void> {
    try {
      const condition = await retryBusy(() => prometheusConditionOf(this.db, s));
      if (s.deployStatus !== "live" || !s.isCurrent || (!s.healthUrl && !condition)) {
        // Superseded, rolled back or no URL any more: the URL no longer answers for this deploy.
        await retryBusy(() => abandonSeries(this.db, this.owner, s.deployId, "unknown"));
        return;
      }
      const result = await healthProbe(s, condition, this.#abort.signal, this.#o.now, this.#o.outbound);
      const after = nextStep(s, result.ok);
      const step =
        after.status === "pending"
          ? { kind: "continue" as const, nextProbeMs: result.startedMs + s.intervalSeconds * this.#o.secondMs }
          : { kind: "finish" as const, status: after.status };
      const kept = await retryBusy(() => recordProbe(this.db, this.owner, s, result, after, step));
      if (!kept) {
        this.log.warn("health: lost the lease of a series; the probe was not recorded", { deployId: s.deployId });
        return;
      }
      if (step.kind === "finish") {
        this.log.info("health: verdict", { deployId: s.deployId, status: step.status, probes: after.probesDone });
        if (step.status === "failing" && s.autoRollback) {
          this.#sweepSoon = true;
          this.poke();
        }
      } else if (step.nextProbeMs <= this.#o.now() + this.#o.tickMs) {
        // Due before the next regular tick: claim it as soon as this promise settles.
        setImmediate(() => this.poke());
      }
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      this.log.error("health: probe step failed; it is retried after the lease expires", {
        deployId: s.deployId,
        error: String(error),
      });
    }
  }
}
