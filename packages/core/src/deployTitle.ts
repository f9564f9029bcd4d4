// What a deploy is called wherever people read it (dashboard, CLI): its version, else its short SHA, else its key.
export interface Titled {
  version?: string | null;
  commitSha?: string | null;
  externalKey?: string | null;
  id?: number;
}

/** The first 7 characters of a commit SHA, as git and GitHub show it. */
export function shortCommit(sha: string | null | undefined): string | undefined {
  return sha ? sha.slice(0, 7) : undefined;
}

/** `v1.26.0`; without a version `abc1234`; without either the deploy key; `#45` when nothing else is known. */
export function deployTitle(d: Titled): string {
  return d.version || shortCommit(d.commitSha) || d.externalKey || (d.id !== undefined ? `#${d.id}` : "—");
}
