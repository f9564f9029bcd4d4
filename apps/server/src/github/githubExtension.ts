// The server extension that mounts the GitHub webhook receiver at /webhooks/github.
import type { ExtensionFactory } from "../startServer.js";
import { createGithubWebhookRoute } from "./githubWebhook.js";

export const GITHUB_WEBHOOK_PATH = "/webhooks/github";

export const githubExtension: ExtensionFactory = ({ db, log, hooks }) => ({
  name: "github-webhooks",
  routes: { [GITHUB_WEBHOOK_PATH]: createGithubWebhookRoute({ db, log, hooks }) },
});
