// The git checkout a command runs in (outside CI): its HEAD names the deploy and fills the commit and branch.
import { execFileSync } from "node:child_process";

export interface GitCheckout {
  sha: string;
  shortSha: string;
  /** Undefined on a detached HEAD. */
  branch?: string;
}

function git(args: string[], cwd: string): string | undefined {
  try {
    // Bounded: a hung git (a network filesystem) must not hold a deploy step up.
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5_000 }).trim() || undefined;
  } catch {
    return undefined; // not a checkout, no commit yet, or no git installed
  }
}

/** HEAD of the checkout containing `cwd`, or undefined when there is none. */
export function readGitCheckout(cwd = process.cwd()): GitCheckout | undefined {
  const sha = git(["rev-parse", "--verify", "HEAD"], cwd);
  if (!sha || !/^[0-9a-f]{40,64}$/.test(sha)) return undefined;
  const branch = git(["symbolic-ref", "--quiet", "--short", "HEAD"], cwd);
  return { sha, shortSha: sha.slice(0, 7), branch };
}
