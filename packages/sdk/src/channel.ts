// A channel drains one bounded queue to one batch procedure: batches, backoff with jitter, Retry-After,
// and no retry of refusals that can never succeed. Deploy events use one; audit and perf can add their own.
import { type CuittyCode, RETRYABLE_CODES } from "@cuitty/core";
import { CuittyClientError } from "./errors.js";
import { BoundedQueue } from "./queue.js";
import { classifyFailure } from "./transport.js";

/** What the server said about one item of a batch. */
export type ItemOutcome = { ok: true } | { ok: false; error: { cuittyCode: CuittyCode; message: string; fields?: string[] } };

export interface ChannelOptions<T> {
  name: string;
  /** Sends a batch; resolves with one outcome per item, in order, or throws (network, refusal of the whole batch). */
  send(items: T[]): Promise<ItemOutcome[]>;
  onError(error: CuittyClientError): void;
  queueSize: number;
  maxBatchItems: number;
  /** Bytes of JSON per batch, below the server's body limit. */
  maxBatchBytes: number;
  retry: { baseMs: number; maxMs: number };
}

export interface ChannelStats {
  queued: number;
  dropped: number;
  sent: number;
  refused: number;
  retries: number;
}

export class Channel<T> {
  readonly queue: BoundedQueue<T>;
  private draining: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private closed = false;
  private urgent = false;
  private stats = { sent: 0, refused: 0, retries: 0 };
  private idleWaiters = new Set<() => void>();

  constructor(private readonly opts: ChannelOptions<T>) {
    this.queue = new BoundedQueue<T>(opts.queueSize);
  }

  /** Queues an item; when the queue is full the oldest is dropped (and reported once per 100 drops). */
  enqueue(item: T): void {
    if (this.closed) {
      this.opts.onError(new CuittyClientError("CLOSED", `the ${this.opts.name} channel is stopped; item not sent`, { items: [item] }));
      return;
    }
    const evicted = this.queue.push(item);
    if (evicted !== undefined && this.queue.dropped % 100 === 1) {
      this.opts.onError(
        new CuittyClientError(
          "QUEUE_OVERFLOW",
          `${this.opts.name} queue is full (${this.queue.capacity}); dropped the oldest (${this.queue.dropped} so far)`,
          {
            items: [evicted],
          },
        ),
      );
    }
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.size > 0 && !this.closed) this.enqueueKick();
    });
  }

  getStats(): ChannelStats {
    return { queued: this.queue.size, dropped: this.queue.dropped, ...this.stats };
  }

  /** Resolves true once the queue is empty, false if `timeoutMs` passes first; a pending backoff is cut short. */
  async flush(timeoutMs: number): Promise<boolean> {
    if (this.queue.size === 0 && !this.draining) return true;
    this.urgent = true;
    this.wake?.();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let resolveIdle!: () => void;
    const idle = new Promise<boolean>((resolve) => {
      resolveIdle = () => resolve(true);
      this.idleWaiters.add(resolveIdle);
    });
    const expired = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([idle, expired]);
    } finally {
      clearTimeout(timer);
      this.idleWaiters.delete(resolveIdle);
      this.urgent = false;
    }
  }

  /** Flushes, then refuses new items; whatever could not be sent is reported as UNDELIVERED. */
  async close(timeoutMs: number): Promise<number> {
    const flushed = await this.flush(timeoutMs);
    this.closed = true;
    this.wake?.();
    const left = this.queue.peek(this.queue.size).map((e) => e.item);
    if (!flushed && left.length > 0) {
      this.opts.onError(
        new CuittyClientError("UNDELIVERED", `${left.length} ${this.opts.name} items were not delivered before the stop timeout`, {
          items: left,
        }),
      );
    }
    return left.length;
  }

  private enqueueKick(): void {
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  private async drain(): Promise<void> {
    let attempt = 0;
    while (this.queue.size > 0 && !this.closed) {
      const batch = this.takeBatch();
      try {
        const outcomes = await this.opts.send(batch.map((e) => e.item));
        const done: number[] = [];
        let retryLater = false;
        batch.forEach((entry, i) => {
          const outcome = outcomes[i];
          if (!outcome || outcome.ok) {
            this.stats.sent++;
            done.push(entry.seq);
          } else if (RETRYABLE_CODES.includes(outcome.error.cuittyCode)) {
            retryLater = true;
          } else {
            this.stats.refused++;
            done.push(entry.seq);
            this.opts.onError(
              new CuittyClientError(outcome.error.cuittyCode, outcome.error.message, { items: [entry.item], fields: outcome.error.fields }),
            );
          }
        });
        this.queue.remove(done);
        if (!retryLater) {
          attempt = 0;
          continue;
        }
        await this.backoff(++attempt);
      } catch (error) {
        const failure = classifyFailure(error);
        if (!failure.retryable) {
          this.refuseBatch(batch, failure);
          attempt = 0;
          continue;
        }
        this.stats.retries++;
        await this.backoff(++attempt, failure.retryAfterMs);
      }
    }
    for (const resolve of this.idleWaiters) resolve();
  }

  private takeBatch() {
    let bytes = 2;
    return this.queue.peek(this.opts.maxBatchItems, (item) => {
      bytes += JSON.stringify(item).length + 1;
      return bytes <= this.opts.maxBatchBytes;
    });
  }

  /** A refusal of the whole batch: drop only the items it names (VALIDATION_FAILED fields `events.3.…`), else all. */
  private refuseBatch(batch: { seq: number; item: T }[], failure: ReturnType<typeof classifyFailure>): void {
    const named = new Set(
      (failure.fields ?? [])
        .map((f) => /^[a-z]+\.(\d+)(\.|$)/i.exec(f)?.[1])
        .filter((i): i is string => i !== undefined)
        .map(Number),
    );
    const refused = named.size > 0 ? batch.filter((_, i) => named.has(i)) : batch;
    this.stats.refused += refused.length;
    this.queue.remove(refused.map((e) => e.seq));
    this.opts.onError(
      new CuittyClientError(failure.code, `${refused.length} ${this.opts.name} items refused: ${failure.message}`, {
        items: refused.map((e) => e.item),
        fields: failure.fields,
        httpStatus: failure.httpStatus,
      }),
    );
  }

  /** Exponential backoff with full jitter; never shorter than the server's Retry-After. */
  private backoff(attempt: number, retryAfterMs = 0): Promise<void> {
    const { baseMs, maxMs } = this.opts.retry;
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
    const jittered = ceiling / 2 + Math.random() * (ceiling / 2);
    const wait = Math.max(retryAfterMs, this.urgent ? Math.min(jittered, baseMs) : jittered);
    return new Promise((resolve) => {
      const timer = setTimeout(done, wait);
      // A retry wait alone must not keep a process alive: stop() is how callers wait for delivery.
      (timer as { unref?: () => void }).unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}
