// Sends deploy events so that a tracking outage never breaks a deploy pipeline (unless --strict).
import type { DeployEventInput } from "@cuitty/core";
import { isOutage, toCLIError } from "./apiErrors.js";
import { type ApiClient, createApiClient } from "./client.js";
import type { Connection } from "./config.js";
import { CLIError } from "./errors.js";
import { warn } from "./output.js";

/** Bounded: about 3 tries within a few seconds, so a CI step is held up briefly at worst. */
const RETRY_DELAYS_MS = [300, 1200];
const ATTEMPT_TIMEOUT_MS = 3000;

type EmitAnswer = Awaited<ReturnType<ApiClient["deploys"]["emit"]["mutate"]>>;
export type ReportResult = { reported: true; answer: EmitAnswer } | { reported: false; error: string };

export interface Reporter {
  report(event: DeployEventInput): Promise<ReportResult>;
  /** The same bounded client, for the reads a report needs first (the commits it ships). */
  readonly client: ApiClient;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createReporter(conn: Connection, opts: { strict: boolean }): Reporter {
  const client = createApiClient(conn, { timeoutMs: ATTEMPT_TIMEOUT_MS });
  // After one outage, later reports of the same run try once and stay quiet: one warning per run.
  let outageSeen = false;

  return {
    client,
    async report(event) {
      const delays = outageSeen ? [] : RETRY_DELAYS_MS;
      let lastError: unknown;
      for (let attempt = 0; attempt <= delays.length; attempt++) {
        try {
          // The event id makes a retry after a lost answer a no-op on the server.
          return { reported: true, answer: await client.deploys.emit.mutate(event) };
        } catch (error) {
          if (!isOutage(error)) throw toCLIError(error, conn);
          lastError = error;
          const delay = delays[attempt];
          if (delay !== undefined) await sleep(delay);
        }
      }
      const failure = toCLIError(lastError, conn);
      if (opts.strict) {
        throw new CLIError(
          `${failure.message}; the ${event.status} event for ${event.environment} was not recorded`,
          failure.code === "E_INTERNAL" ? "E_INTERNAL" : "E_UNREACHABLE",
          `${failure.hint ?? "try again later"} (without --strict an outage only warns)`,
        );
      }
      if (!outageSeen) {
        warn(
          `${failure.message}; the ${event.status} event for ${event.environment} was not recorded. Continuing, since tracking must not break the deploy (use --strict to fail instead).`,
        );
      }
      outageSeen = true;
      return { reported: false, error: failure.message };
    },
  };
}
