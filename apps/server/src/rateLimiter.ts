// A token bucket per project, in memory: one replica's share of the limit (see README, Scaling).
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {}

  /** Seconds to wait before retrying, or 0 when the request may go ahead. */
  take(key: string): number {
    if (this.perSecond <= 0) return 0;
    const burst = this.perSecond * 2;
    const t = this.now();
    const b = this.#buckets.get(key) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + (t - b.at) * this.perSecond);
    b.at = t;
    if (this.#buckets.size > 10_000 && !this.#buckets.has(key)) this.#buckets.clear();
    this.#buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / this.perSecond);
  }
}
