// How deploys read for people: coloured statuses, short SHAs, durations, one table shape everywhere.
import { deployTitle } from "@cuitty/core";
import type { ApiClient } from "./client.js";
import { paint, relativeTime } from "./output.js";

type Answer<F extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;
export type DeployListItem = Answer<ApiClient["deploys"]["list"]["query"]>["items"][number];
export type DeployDetail = Answer<ApiClient["deploys"]["get"]["query"]>;

const STATUS_STYLE = {
  initiated: "gray",
  building: "cyan",
  deploying: "blue",
  live: "green",
  failed: "red",
  rolled_back: "magenta",
} as const;

export function statusLabel(status: string): string {
  const style = STATUS_STYLE[status as keyof typeof STATUS_STYLE];
  return style ? paint(style, status) : status;
}

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : "-";
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "-";
  if (seconds < 60) return `${seconds}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m ${seconds % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** TITLE is the deploy's title: its version, else its short SHA, else its key (deployTitle of @cuitty/core). */
export const DEPLOY_HEADERS = ["ID", "ENV", "STATUS", "TITLE", "COMMIT", "BRANCH", "BY", "STARTED", "DURATION"];

export function deployRow(d: DeployListItem): string[] {
  return [
    `#${d.id}`,
    d.environment,
    statusLabel(d.status),
    deployTitle(d),
    shortSha(d.commitSha),
    d.branch ?? "-",
    d.triggeredBy ?? "-",
    relativeTime(d.startedAt),
    duration(d.durationSeconds),
  ];
}

/** `key: value` lines with the keys aligned, skipping empty values. */
export function fields(pairs: [string, string | number | null | undefined][]): string {
  const shown = pairs.filter(([, v]) => v !== null && v !== undefined && v !== "");
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${paint("bold", `${k}:`.padEnd(width + 1))}  ${v}`).join("\n");
}
