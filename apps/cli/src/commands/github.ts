// `cuitty github webhook-secret set`: the per-project secret the server checks X-Hub-Signature-256 with.
import { randomBytes } from "node:crypto";
import type { Command } from "@commander-js/extra-typings";
import { CuittyError } from "@cuitty/core";
import { localPortalUrl } from "../config.js";
import { PROJECT_HELP, defaultProject, withDatabase } from "../dataDir.js";
import { CLIError } from "../errors.js";
import { info, printJson } from "../output.js";
import { parseEnvironment } from "./deployOptions.js";
import { registerGithubWatch } from "./githubWatch.js";

export function registerGithub(program: Command): void {
  const github = program
    .command("github")
    .description("GitHub integration: webhook secret for /webhooks/github, or watch Actions runs by polling");
  registerGithubWatch(github);
  const secret = github.command("webhook-secret").description("the secret GitHub signs webhook deliveries with");
  secret
    .command("set")
    .description(
      "set (or generate) the project's GitHub webhook secret, and print the payload URL to paste with it into the repository's webhook settings",
    )
    .option("--project <id>", PROJECT_HELP)
    .option("-e, --env <name>", "environment the webhook's runs deploy to (in the payload URL)", parseEnvironment, "production")
    .option("--secret <value>", "use this secret instead of generating one (at least 16 characters)")
    .option(
      "--portal-url <url>",
      "the server's address as GitHub reaches it (default: CUITTY_PORTAL_URL, then the data directory's credentials.json)",
    )
    .option("-d, --data <dir>", "data directory (env CUITTY_DATA_DIR, default ./.cuitty)")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      '\nExamples:\n  cuitty github webhook-secret set\n  cuitty github webhook-secret set --project prj_1a2b3c --env staging --secret "$GITHUB_WEBHOOK_SECRET"\n\nThen add a webhook in GitHub (Settings → Webhooks) with the payload URL printed,\ncontent type application/json, events "Workflow runs" (and "Deployment statuses").',
    )
    .action((opts: { project?: string; env: string; secret?: string; portalUrl?: string; data?: string; json?: boolean }) =>
      withDatabase(opts, async (db, q, dir) => {
        if (opts.secret !== undefined && opts.secret.length < 16) {
          throw new CLIError("the webhook secret is too short", "E_USAGE", "use at least 16 characters, or omit --secret to generate one");
        }
        const projectId = await defaultProject(db, q, opts.project, dir);
        const value = opts.secret ?? randomBytes(32).toString("hex");
        await q.setGithubWebhookSecret(db, projectId, value).catch((error) => {
          if (error instanceof CuittyError && error.code === "NOT_FOUND")
            throw new CLIError(error.message, "E_NOT_FOUND", "see `cuitty projects list`");
          throw error;
        });
        const portalUrl = localPortalUrl(opts.portalUrl, dir.credentials.portalUrl, dir.serverUrl);
        const path = `/webhooks/github?project=${encodeURIComponent(projectId)}&environment=${encodeURIComponent(opts.env)}`;
        const payloadUrl = `${portalUrl}${path}`;
        if (opts.json)
          return printJson({
            projectId,
            environment: opts.env,
            secret: value,
            generated: opts.secret === undefined,
            webhookPath: path,
            payloadUrl,
          });
        info(`GitHub webhook secret set for ${projectId}${opts.secret === undefined ? " (generated; shown once)" : ""}:`);
        process.stdout.write(`${value}\n`);
        info(`Payload URL: ${payloadUrl}`);
        info("Content type: application/json; events: Workflow runs, Deployment statuses");
      }),
    );
}
