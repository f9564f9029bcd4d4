// The commits a deploy ships, from GitHub's compare answer (`GET /repos/{o}/{r}/compare/{base}...{head}`)
// between the previous live deploy's commit and this one; no I/O, shared by the poller and the webhook.
import { isoToUnix } from "./github.js";
import { MAX_EVENT_COMMITS } from "./limits.js";
import type { DeployEventInput, ShippedCommit } from "./schemas.js";

/** The fields of a compare answer the mapping reads (GitHub lists the commits oldest first). */
export interface GithubCompare {
  status?: string;
  total_commits?: number;
  commits?: { sha: string; commit?: { committer?: { date?: string | null } | null; author?: { date?: string | null } | null } | null }[];
}

/** The compare's commits, oldest first, at most the newest MAX_EVENT_COMMITS, each with its commit (committer) time. */
export function shippedFromCompare(compare: GithubCompare): ShippedCommit[] {
  const commits: ShippedCommit[] = [];
  for (const c of compare.commits ?? []) {
    const committedAt = isoToUnix(c.commit?.committer?.date ?? c.commit?.author?.date);
    if (committedAt !== undefined && /^[0-9a-fA-F]{4,64}$/.test(c.sha)) commits.push({ sha: c.sha.toLowerCase(), committedAt });
  }
  return commits.slice(-MAX_EVENT_COMMITS);
}

/** The compare's route parameter for the range base (exclusive) to head, as GitHub spells it. */
export function compareBasehead(base: string, head: string): string {
  return `${base}...${head}`;
}

/** Adds the shipped commits to a go-live event; without a usable compare, the head commit alone (when its time is known). */
export function withCompareCommits(event: DeployEventInput, compare: GithubCompare | undefined): DeployEventInput {
  const commits = compare ? shippedFromCompare(compare) : [];
  if (commits.length > 0) return { ...event, commits };
  if (!compare && event.commitSha && event.committedAt !== undefined && event.committedAt !== null) {
    return { ...event, commits: [{ sha: event.commitSha.toLowerCase(), committedAt: event.committedAt }] };
  }
  return event;
}
