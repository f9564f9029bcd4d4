// The server extension that mounts the GitHub webhook receiver at /webhooks/github.
import type { ExtensionFactory } from "../startServer.js";
import { createGithubCompareClient } from "./githubCompareClient.js";
import { createGithubWebhookRoute } from "./githubWebhook.js";

const GITHUB_WEBHOOK_PATH = "/webhooks/github";

export const githubExtension: ExtensionFactory = ({ db, log, hooks, config }) => ({
  name: "github-webhooks",
  routes: {
    [GITHUB_WEBHOOK_PATH]: createGithubWebhookRoute({
      db,
      log,
      hooks,
      // Go-lives list the commits they ship from GitHub's compare (CUITTY_GITHUB_TOKEN for private repositories).
      github: createGithubCompareClient({ apiUrl: config.githubApiUrl, token: config.githubToken }),
    }),
  },
});
