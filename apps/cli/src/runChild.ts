// Runs the deploy command with our stdio, passing SIGINT/SIGTERM on, and says how it ended.
import { spawn } from "node:child_process";
import { constants } from "node:os";

export type Outcome =
  | { kind: "exited"; code: number }
  | { kind: "killed"; signal: NodeJS.Signals }
  | { kind: "interrupted"; signal: NodeJS.Signals; childCode: number | null }
  | { kind: "not_started"; error: string; code: number };

const FORWARDED: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 15;
}

/** The exit code a shell would give: the command's own, or 128 + the signal that ended it. */
export function exitCodeOf(outcome: Outcome): number {
  switch (outcome.kind) {
    case "exited":
    case "not_started":
      return outcome.code;
    case "killed":
    case "interrupted":
      return 128 + signalNumber(outcome.signal);
  }
}

export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case "exited":
      return `exit code ${outcome.code}`;
    case "killed":
      return `killed by ${outcome.signal}`;
    case "interrupted":
      return `interrupted by ${outcome.signal}`;
    case "not_started":
      return `could not start: ${outcome.error}`;
  }
}

export interface SignalWatch {
  /** The first signal received, if any; set before the child starts too. */
  readonly received: NodeJS.Signals | undefined;
  run(argv: string[]): Promise<Outcome>;
  dispose(): void;
}

/**
 * Installs the signal handlers at once, so a Ctrl-C while `deploying` is being reported
 * still ends in a `failed` report instead of killing us silently.
 */
export function watchSignals(): SignalWatch {
  let received: NodeJS.Signals | undefined;
  let child: ReturnType<typeof spawn> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    received ??= signal;
    // Forward every signal: a second Ctrl-C should reach a command that ignored the first.
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const s of FORWARDED) process.on(s, onSignal);

  return {
    get received() {
      return received;
    },
    run(argv) {
      const [file, ...args] = argv;
      if (received) return Promise.resolve({ kind: "interrupted", signal: received, childCode: null });
      return new Promise<Outcome>((resolve) => {
        child = spawn(file!, args, { stdio: "inherit" });
        child.once("error", (error: NodeJS.ErrnoException) => {
          // 127/126 as a shell would: not found / not executable.
          resolve({ kind: "not_started", error: `${file}: ${error.code ?? error.message}`, code: error.code === "ENOENT" ? 127 : 126 });
        });
        child.once("exit", (code, signal) => {
          if (received) resolve({ kind: "interrupted", signal: received, childCode: code });
          else if (signal) resolve({ kind: "killed", signal });
          else resolve({ kind: "exited", code: code ?? 1 });
        });
      });
    },
    dispose() {
      for (const s of FORWARDED) process.off(s, onSignal);
    },
  };
}
