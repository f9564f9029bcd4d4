// `cuitty github webhook-secret set`: the per-project secret the server checks X-Hub-Signature-256 with.
import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import { CuittyError } from "@cuitty/core";
import { defaultProject, withDatabase } from "../dataDir.js";
import { CLIError } from "../errors.js";
import { info, printJson } from "../output.js";
import { registerGithubWatch } from "./githubWatch.js";

export function registerGithub(program: Command): void {
  const github = program.command("github").description("GitHub integration: webhook secret for /webhooks/github, or watch Actions runs by polling");
  registerGithubWatch(github);
  const secret = github.command("webhook-secret").description("the secret GitHub signs webhook deliveries with");
  secret
    .command("set")
    .description("set (or generate) the project's GitHub webhook secret; paste it into the repository's webhook settings")
    .option("--project <id>", "project (default: the only project)")
    .option("--secret <value>", "use this secret instead of generating one (at least 16 characters)")
    .option("-d, --data <dir>", "data directory (env CUITTY_DATA_DIR, default ./.cuitty)")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  cuitty github webhook-secret set\n  cuitty github webhook-secret set --project prj_1a2b3c --secret \"$GITHUB_WEBHOOK_SECRET\"\n\nThen add a webhook in GitHub (Settings → Webhooks): payload URL\n  <portal>/webhooks/github?project=<projectId>&environment=production\ncontent type application/json, events \"Workflow runs\" (and \"Deployment statuses\").",
    )
    .action((opts: { project?: string; secret?: string; data?: string; json?: boolean }) =>
      withDatabase(opts, async (db, q) => {
        if (opts.secret !== undefined && opts.secret.length < 16) {
          throw new CLIError("the webhook secret is too short", "E_USAGE", "use at least 16 characters, or omit --secret to generate one");
        }
        const projectId = await defaultProject(db, q, opts.project);
        const value = opts.secret ?? randomBytes(32).toString("hex");
        await q.setGithubWebhookSecret(db, projectId, value).catch((error) => {
          if (error instanceof CuittyError && error.code === "NOT_FOUND") throw new CLIError(error.message, "E_NOT_FOUND", "see `cuitty projects list`");
          throw error;
        });
        const path = `/webhooks/github?project=${projectId}`;
        if (opts.json) return printJson({ projectId, secret: value, generated: opts.secret === undefined, webhookPath: path });
        info(`GitHub webhook secret set for ${projectId}${opts.secret === undefined ? " (generated; shown once)" : ""}:`);
        process.stdout.write(`${value}\n`);
        info(`Payload URL: <portal URL>${path}  (content type application/json; events: Workflow runs, Deployment statuses)`);
      }),
    );
}
