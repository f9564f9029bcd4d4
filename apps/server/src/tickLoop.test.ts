import { expect, it } from "vitest";
import { createLogger } from "./logger.js";
import { TickLoop } from "./tickLoop.js";

const turn = () => new Promise((r) => setImmediate(r));

it("should tick at most twice per interval however often it is poked", async () => {
  let ticks = 0;
  const loop = new TickLoop("test", 100, async () => void ticks++, createLogger("silent"));
  loop.start();
  const began = performance.now();
  let pokes = 0;
  // Poke on every turn of the event loop, as a busy ingest path does (every transition pokes), for 450 ms.
  while (performance.now() - began < 450) {
    loop.poke();
    pokes++;
    await turn();
  }
  await loop.stop();
  const intervals = (performance.now() - began) / 100;
  expect(pokes).toBeGreaterThan(ticks);
  // One regular tick per interval plus at most one a poke brought forward, and the first tick at start.
  expect(ticks).toBeLessThanOrEqual(2 * Math.ceil(intervals) + 1);
});

it("should tick at once when poked on a quiet loop", async () => {
  let ticks = 0;
  const loop = new TickLoop("test", 60_000, async () => void ticks++, createLogger("silent"));
  loop.start();
  const deadline = Date.now() + 10_000;
  while (ticks < 1 && Date.now() < deadline) await turn();
  // The next regular tick is a minute away: only the poke can make the second one happen now.
  loop.poke();
  while (ticks < 2 && Date.now() < deadline) await turn();
  await loop.stop();
  expect(ticks).toBe(2);
});
