// `cuitty status --all`: every service × environment of the organisation (org.overview), trouble first.
import { ORG_PROJECT } from "@cuitty/core";
import { call } from "../apiErrors.js";
import { type ApiClient, createApiClient } from "../client.js";
import { resolveConnection } from "../config.js";
import { info, paint, printJson, relativeTime, table } from "../output.js";
import type { StatusFlags } from "./deployCurrent.js";

type Overview = Awaited<ReturnType<ApiClient["org"]["overview"]["query"]>>;
type Cell = Overview["services"][number]["cells"][number];

const ATTENTION_LABEL: Record<Cell["attention"], string> = {
  broken: paint("red", "broken"),
  failed_recently: paint("red", "failed <24h"),
  in_flight: paint("cyan", "deploying"),
  steady: paint("green", "steady"),
  no_deploy: paint("gray", "nothing live"),
};

/** One cell as a line: current deploy (health, live since), then what moves or broke. */
function cellText(c: Cell | undefined): string {
  if (!c) return paint("gray", "-");
  const parts: string[] = [];
  if (c.current) {
    const health = c.current.markedBad ? "marked bad" : c.current.healthStatus === "unknown" ? "" : c.current.healthStatus;
    const painted = health === "passing" ? paint("green", health) : health ? paint("red", health) : "";
    parts.push(`${c.current.title}${painted ? ` ${painted}` : ""} ${relativeTime(c.current.liveSince)}`);
  } else {
    parts.push(paint("gray", "none live"));
  }
  if (c.inFlight) parts.push(paint("cyan", `→ ${c.inFlight.status} ${c.inFlight.title}`));
  if (c.lastFailure) parts.push(paint("red", `✗ ${c.lastFailure.title} failed ${relativeTime(c.lastFailure.at)}`));
  if (c.lastRollback) parts.push(paint("red", `↩ ${c.lastRollback.title} rolled back ${relativeTime(c.lastRollback.at)}`));
  return parts.join(", ");
}

export async function statusAll(flags: StatusFlags): Promise<void> {
  // Org procedures are signed with the organisation header whatever CUITTY_PROJECT_ID says.
  const conn = resolveConnection({ ...flags, project: ORG_PROJECT });
  const client = createApiClient(conn);
  const overview = await call(conn, () =>
    client.org.overview.query({ environment: flags.env, search: flags.search, ...(flags.limit ? { limit: flags.limit } : {}) }),
  );
  if (flags.json) return printJson(overview);
  if (overview.services.length === 0) return info("No services match. Create one with `cuitty projects create NAME`.");
  const rows = overview.services.map((s) => {
    const byEnv = new Map(s.cells.map((c) => [c.environment, c]));
    return [s.service, ATTENTION_LABEL[s.attention], ...overview.environments.map((e) => cellText(byEnv.get(e)))];
  });
  process.stdout.write(`${table(["SERVICE", "ATTENTION", ...overview.environments.map((e) => e.toUpperCase())], rows)}\n`);
  if (overview.total > overview.services.length)
    info(`${overview.services.length} of ${overview.total} services shown; raise --limit for more.`);
}
