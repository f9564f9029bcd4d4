// The one place the SDK reads the environment; guarded for runtimes without `process` (browsers, workers).
export interface CuittyEnv {
  portalUrl?: string;
  projectId?: string;
  apiKey?: string;
  /** GitHub's API root for the github provider (GHES, or a local fake in tests); GitHub Actions sets GITHUB_API_URL. */
  githubApiUrl?: string;
}

export function readEnv(): CuittyEnv {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  return {
    portalUrl: env.CUITTY_PORTAL_URL || undefined,
    projectId: env.CUITTY_PROJECT_ID || undefined,
    apiKey: env.CUITTY_API_KEY || undefined,
    githubApiUrl: env.CUITTY_GITHUB_API_URL || env.GITHUB_API_URL || undefined,
  };
}
