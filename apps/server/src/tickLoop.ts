// The timer loop of a background worker: one tick at a time, the next scheduled after it ends, pokeable
// for work that is due now (at most one extra tick per interval, however often it is poked: under ingest load
// every transition pokes), and a stop that waits for the tick in progress.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "@cuitty/api";

/** A lease owner id unique to this process: host, pid and a random suffix. */
export function workerOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

export class TickLoop {
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #running = false;
  #stopped = false;
  /** A poke has brought a tick forward since the last regular one started. */
  #woken = false;

  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly tick: () => Promise<void>,
    private readonly log: Logger,
  ) {}

  /** Whether start() was called (stop() has cleanup to do only then). */
  get started(): boolean {
    return this.#running;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  start(): void {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    this.#schedule(0);
  }

  /**
   * Look for due work now rather than at the next tick, but wake the loop at most once between two regular
   * ticks: a quiet server answers a transition at once, a busy one (every transition pokes) ticks at most twice
   * per interval. A poke during a tick is covered by the tick scheduled after it.
   */
  poke(): void {
    if (!this.#running || this.#stopped || this.#ticking || this.#woken) return;
    this.#woken = true;
    this.#schedule(0, true);
  }

  /** No more ticks; resolves when the one in progress has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#ticking;
  }

  #schedule(ms: number, poked = false): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (!poked) this.#woken = false;
      this.#ticking = this.tick()
        .catch((error) => this.log.error(`${this.name}: tick failed`, { error: String(error) }))
        .finally(() => {
          this.#ticking = undefined;
          if (!this.#stopped) this.#schedule(this.everyMs);
        });
    }, ms);
  }
}
