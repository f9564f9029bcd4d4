// Test-only crash points: with CUITTY_TEST_CRASH_AFTER=<point> the process kills itself (SIGKILL, no cleanup)
// right after that step, so tests can prove that a restart on the same data finds every effect exactly once.
import type { CrashPoint } from "./config.js";

/** Calls at each step boundary; kills the process when `configured` names that boundary, else does nothing. */
export type CrashAfter = (point: CrashPoint) => void;

export function crashAfter(configured: CrashPoint | undefined): CrashAfter {
  if (!configured) return () => {};
  return (point) => {
    if (point === configured) process.kill(process.pid, "SIGKILL");
  };
}
