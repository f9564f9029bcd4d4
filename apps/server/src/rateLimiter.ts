// Token buckets in memory, one per key (project or client address): one replica's share of the limit (README, Limits).

/** Buckets kept at most; past it the oldest goes, so a flood of new keys cannot reset everyone's buckets at once. */
const MAX_BUCKETS = 10_000;

export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {}

  #refilled(key: string): { tokens: number; at: number } {
    const burst = this.perSecond * 2;
    const t = this.now();
    const b = this.#buckets.get(key) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + (t - b.at) * this.perSecond);
    b.at = t;
    return b;
  }

  #wait(tokens: number): number {
    return Math.max(1, Math.ceil((1 - tokens) / this.perSecond));
  }

  /** Seconds to wait before retrying, or 0 when the request may go ahead; charges `cost` tokens when it may. */
  take(key: string, cost = 1): number {
    if (this.perSecond <= 0) return 0;
    const b = this.#refilled(key);
    if (!this.#buckets.has(key)) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#buckets.delete(this.#buckets.keys().next().value!);
      this.#buckets.set(key, b);
    }
    if (b.tokens >= 1) {
      b.tokens = Math.max(b.tokens - cost, -this.perSecond * 2);
      return 0;
    }
    return this.#wait(b.tokens);
  }

  /** Like take, without charging: whether `key` has a token left right now. */
  peek(key: string): number {
    if (this.perSecond <= 0 || !this.#buckets.has(key)) return 0;
    const b = this.#refilled(key);
    return b.tokens >= 1 ? 0 : this.#wait(b.tokens);
  }
}
