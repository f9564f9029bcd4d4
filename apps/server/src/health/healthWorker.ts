// The health-check worker: one bounded timer loop that claims due probe series and hook calls from the
// database under leases, runs them, and records the outcome. All state lives in deploys.db, so a restart
// resumes where it stopped and several servers share the work without probing one deploy twice.
import type { Logger, TransitionNotice } from "@cuitty/api";
import {
  type ClaimedHook,
  type ClaimedSeries,
  type Database,
  abandonSeries,
  claimDueHooks,
  claimDueSeries,
  copyAuditOutbox,
  findAutoRollbackCandidates,
  nextStep,
  recordHookAttempt,
  recordProbe,
  releaseHookLeases,
  releaseSeriesLeases,
} from "@cuitty/db";
import type { CrashAfter } from "../crashPoint.js";
import { autoRollback } from "./autoRollback.js";
import { deliverHook } from "./deliverHook.js";
import { healthProbe, prometheusConditionOf } from "./prometheusProbe.js";
import { retryDelayMs } from "../outboundPost.js";
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
   * How long the lease of one probe or hook call lasts; it must exceed the longest probe (timeouts go up to
   * 60 s). Only a crash mid-probe makes another server wait for it (default 90 s).
   */
  leaseMs?: number;
  /** Probes and hook calls in flight at once (default 16). */
  maxInFlight?: number;
  /** First retry delay of a hook call, doubled each attempt up to hookRetryMaxMs (defaults 2 s, 5 min). */
  hookRetryBaseMs?: number;
  hookRetryMaxMs?: number;
  /** Attempts before a hook call is given up (default 8). */
  hookMaxAttempts?: number;
  hookTimeoutMs?: number;
  /** GitHub API base URL for workflow_dispatch (default https://api.github.com). */
  githubApiUrl?: string;
  githubToken?: string;
  /** How often the auto-rollback sweep runs besides right after a failing verdict (default 10 s). */
  sweepEveryMs?: number;
  /** Unix ms clock (tests). */
  now?: () => number;
  /** Test-only crash points (CUITTY_TEST_CRASH_AFTER). */
  crashAfter?: CrashAfter;
  /** How probes and hook calls reach the network, under the outbound policy (default: the built-in policy). */
  outbound?: OutboundFetch;
}

export class HealthWorker {
  readonly owner: string;
  readonly #o: Required<Omit<HealthWorkerOptions, "githubToken" | "ownerId" | "crashAfter">> & { githubToken?: string };
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
    this.#o = {
      tickMs: 500,
      secondMs: 1000,
      leaseMs: 90_000,
      maxInFlight: 16,
      hookRetryBaseMs: 2000,
      hookRetryMaxMs: 300_000,
      hookMaxAttempts: 8,
      hookTimeoutMs: 10_000,
      githubApiUrl: "https://api.github.com",
      sweepEveryMs: 10_000,
      now: Date.now,
      outbound: defaultOutboundFetch(),
      ...Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && k !== "crashAfter")),
    };
    this.#loop = new TickLoop("health", this.#o.tickMs, () => this.#tick(), log);
  }

  get githubApiUrl(): string {
    return this.#o.githubApiUrl;
  }

  /** Starts the loop: pending series and hook calls left by a previous run are due at once and resume. */
  start(): void {
    this.#loop.start();
  }

  /**
   * Hears accepted transitions (on every server, worker on or off). Their effects (a go-live's series, a
   * rollback's hook calls) were written in the transition's own transaction; this only looks for them now.
   */
  onTransition(notice: TransitionNotice): void {
    if (this.#loop.stopped) return;
    if (notice.to === "live" || notice.to === "rolled_back") this.poke();
  }

  /** Look for due work now rather than at the next tick. */
  poke(): void {
    this.#loop.poke();
  }

  async stop(): Promise<void> {
    if (this.#loop.stopped) return;
    this.#abort.abort(); // in-flight probes and hook calls end now and are not recorded
    await this.#loop.stop();
    await Promise.allSettled(this.#inFlight.values());
    if (!this.#loop.started) return;
    try {
      await retryBusy(() => releaseSeriesLeases(this.db, this.owner));
      await retryBusy(() => releaseHookLeases(this.db, this.owner));
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
    let room = this.#o.maxInFlight - this.#inFlight.size;
    if (room <= 0) return;
    const series = await retryBusy(() => claimDueSeries(this.db, this.owner, now, this.#o.leaseMs, room));
    for (const s of series) this.#track(`series:${s.deployId}`, this.#runSeries(s));
    room -= series.length;
    if (room <= 0) return;
    const hooks = await retryBusy(() => claimDueHooks(this.db, this.owner, now, this.#o.leaseMs, room));
    for (const h of hooks) this.#track(`hook:${h.id}`, this.#runHook(h));
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
      this.poke();
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

  async #runHook(h: ClaimedHook): Promise<void> {
    try {
      const attempt = await deliverHook(h, {
        githubToken: this.#o.githubToken,
        githubApiUrl: this.#o.githubApiUrl,
        timeoutMs: this.#o.hookTimeoutMs,
        stopSignal: this.#abort.signal,
        fetch: this.#o.outbound,
      });
      if (attempt.delivered) this.#crash("hook-delivered");
      const attempts = h.attempts + 1;
      const giveUp = attempt.permanent || attempts >= this.#o.hookMaxAttempts;
      const delay = retryDelayMs(attempts, this.#o.hookRetryBaseMs, this.#o.hookRetryMaxMs);
      const state = attempt.delivered ? "delivered" : giveUp ? "failed" : "pending";
      await retryBusy(() =>
        recordHookAttempt(this.db, this.owner, h.id, {
          state,
          status: attempt.status,
          error: attempt.error,
          nextAttemptMs: this.#o.now() + (state === "pending" ? delay : 0),
        }),
      );
      const fields = { hookId: h.id, kind: h.kind, deployId: h.deployId, attempts, status: attempt.status, error: attempt.error };
      if (state === "delivered") this.log.info("health: rollback hook delivered", fields);
      else if (state === "failed") this.log.error("health: rollback hook failed for good", fields);
      else this.log.warn("health: rollback hook failed; retrying", { ...fields, retryInMs: delay });
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      this.log.error("health: hook delivery step failed", { hookId: h.id, error: String(error) });
    }
  }
}
