// deploysPlugin: how deploys reach the portal, by provider: `manual` (client.emit from CI or the app; the default)
// or `github` (polls GitHub Actions runs and maps them to the lifecycle).
import type { CuittyClient, CuittyPlugin } from "../client.js";
import { DEFAULT_GITHUB_ENVIRONMENT, type GithubPoller, type GithubPollerOptions, createGithubPoller } from "./github/githubPoller.js";

export type DeploysPluginOptions = { provider: "manual" } | ({ provider: "github" } & GithubPollerOptions);

export interface DeploysPlugin extends CuittyPlugin {
  /** Polls once now (github provider); resolves when the events it found are queued. */
  poll(): Promise<void>;
}

/** `deploysPlugin()` is the manual provider; `deploysPlugin({ provider: "github", repo, token })` reports to production. */
export function deploysPlugin(options: DeploysPluginOptions = { provider: "manual" }): DeploysPlugin {
  if (options.provider === "manual") {
    return { name: "deploys:manual", poll: async () => {} };
  }
  if (options.provider !== "github") {
    throw new Error(`deploysPlugin: unknown provider "${(options as { provider?: string }).provider}" (manual or github)`);
  }
  const name = `deploys:github:${options.repo}:${options.environment ?? DEFAULT_GITHUB_ENVIRONMENT}`;
  let poller: GithubPoller | undefined;
  return {
    name,
    setup(client: CuittyClient) {
      poller = createGithubPoller(options, (event) => client.emit(event), client.reportError, name);
    },
    start() {
      poller?.start();
    },
    async stop() {
      await poller?.stop();
    },
    async poll() {
      if (!poller) throw new Error(`${name}: add the plugin to a client with cuitty.use() first`);
      await poller.poll();
    },
  };
}

export type { GithubPollerOptions } from "./github/githubPoller.js";
