// Percentiles from packed samples (metricStats.ts) against a plain sort per bucket, on both sort paths.
import { describe, expect, it } from "vitest";
import { RANGE_KEY, pack, packedStats } from "../src/queries/metricStats.js";
import { seededRandom } from "@cuitty/core/testing";

const DAY = 86_400;
const starts = Array.from({ length: 30 }, (_, i) => 1_760_000_000 - (1_760_000_000 % DAY) + i * DAY);

/** Median (mean of the middle one or two) and p90 (nearest rank) by sorting, as the README defines them. */
function plain(values: number[]) {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  return { n, median: (v[Math.floor((n + 1) / 2) - 1]! + v[Math.floor((n + 2) / 2) - 1]!) / 2, p90: v[Math.floor((9 * n + 9) / 10) - 1]! };
}

function check(samples: [bucket: number, value: number][]) {
  const rows = packedStats(
    samples.map(([k, v]) => pack(v, starts[k]!, starts[0]!, "day")),
    starts,
  );
  const expected = [{ b: RANGE_KEY, ...plain(samples.map(([, v]) => v)) }];
  for (let k = 0; k < starts.length; k++) {
    const mine = samples.filter(([b]) => b === k).map(([, v]) => v);
    if (mine.length) expected.push({ b: starts[k]!, ...plain(mine) });
  }
  expect(rows).toEqual(expected);
}

describe("packedStats", () => {
  it("gives nothing for no samples", () => {
    expect(packedStats([], starts)).toEqual([]);
  });

  it("one sample, two, and ties, by hand", () => {
    expect(packedStats([pack(7, starts[3]!, starts[0]!, "day")], starts)).toEqual([
      { b: RANGE_KEY, n: 1, median: 7, p90: 7 },
      { b: starts[3], n: 1, median: 7, p90: 7 },
    ]);
    check([
      [0, 10],
      [0, 20],
      [5, 20],
      [5, 20],
      [5, 0],
    ]);
  });

  it("matches a plain sort per bucket on values that fit 32 bits packed (radix sort)", () => {
    const rand = seededRandom(7);
    check(Array.from({ length: 5000 }, () => [Math.floor(rand() * 30), Math.floor(rand() * 200_000)]));
  });

  it("matches a plain sort per bucket when a value does not fit 32 bits packed (sorted as doubles)", () => {
    const rand = seededRandom(11);
    const samples: [number, number][] = Array.from({ length: 3000 }, () => [Math.floor(rand() * 30), Math.floor(rand() * 200_000)]);
    samples.push([29, 400 * 86_400 * 365], [2, 2 ** 23]);
    check(samples);
  });
});
