// What a deploy ships, from the checkout's git history: `git log <previous live SHA>..<commit>`, oldest first,
// the previous live SHA being the environment's current deploy on the server. Without the history (a shallow
// clone without that commit, no git, no read access) the head commit alone, so lead time still has a sample.
import { execFileSync } from "node:child_process";
import { type DeployEventInput, MAX_EVENT_COMMITS, type ShippedCommit } from "@cuitty/core";
import type { ApiClient } from "./client.js";
import { warn } from "./output.js";

function git(args: string[], cwd: string | undefined): string | undefined {
  try {
    return execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 10_000,
      maxBuffer: 8 << 20,
    }).trim();
  } catch {
    return undefined;
  }
}

/** `%H %ct` lines, newest first (git log's order), as commits oldest first. */
function parseLog(out: string): ShippedCommit[] {
  const commits: ShippedCommit[] = [];
  for (const line of out.split("\n")) {
    const [sha, ct] = line.split(" ");
    const committedAt = Number(ct);
    if (sha && /^[0-9a-f]{40,64}$/.test(sha) && Number.isInteger(committedAt) && committedAt >= 0) commits.push({ sha, committedAt });
  }
  return commits.reverse();
}

/**
 * The commits from `base` (exclusive) to `head`, oldest first, at most the newest MAX_EVENT_COMMITS; just the
 * head commit when `base` is unknown or not usable here; undefined when `head` is not in a git checkout at `cwd`.
 */
function commitsSince(head: string, base: string | undefined, cwd?: string): { head: ShippedCommit; commits: ShippedCommit[] } | undefined {
  const tip = parseLog(git(["log", "-1", "--format=%H %ct", head, "--"], cwd) ?? "")[0];
  if (!tip) return undefined;
  const headOnly = { head: tip, commits: [tip] };
  if (!base) return headOnly;
  if (tip.sha.startsWith(base.toLowerCase())) return { head: tip, commits: [] };
  const baseKnown = git(["cat-file", "-e", `${base}^{commit}`], cwd) !== undefined;
  // In a shallow clone a range whose base is not an ancestor of head may stop at the clone's boundary.
  const shallow = git(["rev-parse", "--is-shallow-repository"], cwd) === "true";
  const ancestor = baseKnown && git(["merge-base", "--is-ancestor", base, head], cwd) !== undefined;
  if (!baseKnown || (shallow && !ancestor)) return headOnly;
  const log = git(["log", `-n${MAX_EVENT_COMMITS}`, "--format=%H %ct", `${base}..${head}`, "--"], cwd);
  return log === undefined ? headOnly : { head: tip, commits: parseLog(log) };
}

/** The environment's current deploy's commit, or why it is unknown (an ingest key may not read it). */
async function previousLiveSha(client: ApiClient, environment: string): Promise<{ sha?: string; problem?: string }> {
  try {
    const current = await client.deploys.current.query();
    return { sha: current.find((c) => c.environment === environment)?.deploy?.commitSha ?? undefined };
  } catch (error) {
    const code = (error as { data?: { cuittyCode?: string } })?.data?.cuittyCode;
    return {
      problem:
        code === "FORBIDDEN_SCOPE" ? "this key cannot read the environment's current deploy (it needs read or admin scope)" : undefined,
    };
  }
}

/**
 * Adds `commits` (and the head's `committedAt`) to an event that names its commit, before it goes live.
 * Every step of a deploy sends the same list; the server keeps one row per commit.
 */
export async function withShippedCommits(event: DeployEventInput, client: ApiClient, cwd?: string): Promise<DeployEventInput> {
  if (!event.commitSha || event.status === "failed" || event.status === "rolled_back") return event;
  const previous = await previousLiveSha(client, event.environment);
  const shipped = commitsSince(event.commitSha, previous.sha, cwd);
  if (!shipped) return event;
  if (previous.problem) warn(`listing only the head commit: ${previous.problem}`);
  return {
    ...event,
    committedAt: event.committedAt ?? shipped.head.committedAt,
    ...(shipped.commits.length > 0 ? { commits: shipped.commits } : {}),
  };
}
