// The one retry policy type, as its two instances use it: rollback hooks give up at once on an answer retrying
// cannot change, outbound events retry every failure until their attempts run out.
import { describe, expect, it } from "vitest";
import { type RetryPolicy, deliveryVerdict, permanentFailure, retryDelayMs } from "./retryPolicy.js";

const HOOKS: RetryPolicy = { baseMs: 2000, maxMs: 300_000, maxAttempts: 8, giveUpWhenPermanent: true };
const EVENTS: RetryPolicy = { baseMs: 1000, maxMs: 600_000, maxAttempts: 20, giveUpWhenPermanent: false };
const answer = (status: number | null, blocked = false) => {
  const delivered = status !== null && status >= 200 && status < 300;
  return { delivered, status, blocked, permanent: permanentFailure({ delivered, status, blocked }) };
};

describe("the delivery retry policy", () => {
  it("doubles the delay from the base up to the cap", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, HOOKS.baseMs, HOOKS.maxMs))).toEqual([2000, 4000, 8000, 16_000]);
    expect(retryDelayMs(30, EVENTS.baseMs, EVENTS.maxMs)).toBe(600_000);
  });

  it("counts a refusal by the outbound policy and 4xx other than 408, 409, 425 and 429 as permanent", () => {
    for (const s of [400, 401, 403, 404, 410, 422]) expect(answer(s).permanent).toBe(true);
    for (const s of [408, 409, 425, 429, 500, 502, 503, null]) expect(answer(s).permanent).toBe(false);
    expect(answer(null, true).permanent).toBe(true);
    expect(answer(204).permanent).toBe(false);
  });

  it("gives a rollback hook up at once on a permanent answer, an event only when its attempts run out", () => {
    expect(deliveryVerdict(HOOKS, 1, answer(404))).toBe("gave_up");
    expect(deliveryVerdict(EVENTS, 1, answer(404))).toBe("retry");
    expect(deliveryVerdict(HOOKS, 7, answer(503))).toBe("retry");
    expect(deliveryVerdict(HOOKS, 8, answer(503))).toBe("gave_up");
    expect(deliveryVerdict(EVENTS, 19, answer(404))).toBe("retry");
    expect(deliveryVerdict(EVENTS, 20, answer(404))).toBe("gave_up");
    expect(deliveryVerdict(HOOKS, 8, answer(200))).toBe("delivered");
  });
});
