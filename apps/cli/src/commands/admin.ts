// Local administration on the data directory, no server needed: projects, keys, backup.
import type { Command } from "@commander-js/extra-typings";
import { type ApiKeyScope, CuittyError } from "@cuitty/core";
import { PROJECT_HELP, defaultProject, withDatabase } from "../dataDir.js";
import { CLIError } from "../errors.js";
import { info, paint, printJson, relativeTime, table } from "../output.js";
import { parseScope } from "./parse.js";

const dataOption = ["-d, --data <dir>", "data directory (env CUITTY_DATA_DIR, default ./.cuitty)"] as const;

function notFound<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((error) => {
    if (error instanceof CuittyError && error.code === "NOT_FOUND") throw new CLIError(error.message, "E_NOT_FOUND");
    throw error;
  });
}

export function registerAdmin(program: Command): void {
  const projects = program.command("projects").description("manage projects in the local data directory");
  projects
    .command("create <name>")
    .description("create a project and its first admin key")
    .option(...dataOption)
    .option("--json", "print JSON")
    .addHelpText("after", "\nExample:\n  cuitty projects create payments")
    .action((name: string, opts: { data?: string; json?: boolean }) =>
      withDatabase(opts, async (db, q) => {
        const project = await q.createProject(db, name);
        const key = await q.createApiKey(db, project.id, "admin", "first admin key");
        if (opts.json) return printJson({ projectId: project.id, name: project.name, keyId: key.keyId, apiKey: key.apiKey });
        info(`Created project ${paint("bold", name)}: ${project.id}`);
        info(`Admin key ${key.keyId} (shown once, keep it secret):`);
        process.stdout.write(`${key.apiKey}\n`);
      }),
    );
  projects
    .command("list")
    .description("list projects")
    .option(...dataOption)
    .option("--json", "print JSON")
    .action((opts: { data?: string; json?: boolean }) =>
      withDatabase(opts, async (db, q) => {
        const rows = await q.listProjects(db);
        if (opts.json) return printJson(rows.map(({ githubWebhookSecret: _, ...p }) => p));
        if (rows.length === 0) return info("No projects yet. Run `cuitty projects create NAME`.");
        process.stdout.write(
          `${table(
            ["ID", "NAME", "CREATED"],
            rows.map((p) => [p.id, p.name, relativeTime(p.createdAt)]),
          )}\n`,
        );
      }),
    );

  const keys = program.command("keys").description("issue, list and revoke API keys (local data directory)");
  keys
    .command("create")
    .description("issue a key; it is printed once and never shown again")
    .option("--project <id>", PROJECT_HELP)
    .option("--org", "an organisation key: every project, scope read or admin (header x-cuitty-project: org for org.* calls)")
    .option("--scope <scope>", "ingest (emit events), read (queries) or admin (everything)", parseScope, "ingest")
    .option("--label <text>", "what the key is for, e.g. 'github actions'")
    .option(...dataOption)
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      '\nExamples:\n  cuitty keys create --scope ingest --label ci\n  cuitty keys create --project prj_1a2b3c --scope read --json\n  cuitty keys create --org --scope read --label "platform team"',
    )
    .action((opts: { project?: string; org?: boolean; scope: ApiKeyScope; label?: string; data?: string; json?: boolean }) =>
      withDatabase(opts, async (db, q, dir) => {
        if (opts.org) {
          if (opts.project)
            throw new CLIError(
              "--org and --project do not go together",
              "E_USAGE",
              "an organisation key belongs to no project; drop --project",
            );
          if (opts.scope === "ingest") {
            throw new CLIError(
              "organisation keys are read or admin",
              "E_USAGE",
              "report deploys with a project's ingest key; use --scope read or --scope admin",
            );
          }
          const key = await q.createOrgKey(db, opts.scope, opts.label);
          if (opts.json) return printJson(key);
          info(`Issued organisation ${opts.scope} key ${key.keyId} (every project; shown once, keep it secret):`);
          process.stdout.write(`${key.apiKey}\n`);
          return;
        }
        const projectId = await defaultProject(db, q, opts.project, dir);
        const key = await notFound(q.createApiKey(db, projectId, opts.scope, opts.label));
        if (opts.json) return printJson(key);
        info(`Issued ${opts.scope} key ${key.keyId} for ${projectId} (shown once, keep it secret):`);
        process.stdout.write(`${key.apiKey}\n`);
      }),
    );
  keys
    .command("list")
    .description("list keys (never their secrets)")
    .option("--project <id>", PROJECT_HELP)
    .option("--org", "list the organisation keys instead")
    .option(...dataOption)
    .option("--json", "print JSON")
    .action((opts: { project?: string; org?: boolean; data?: string; json?: boolean }) =>
      withDatabase(opts, async (db, q, dir) => {
        if (opts.org && opts.project) throw new CLIError("--org and --project do not go together", "E_USAGE", "drop one of them");
        const rows = opts.org ? await q.listOrgKeys(db) : await q.listApiKeys(db, await defaultProject(db, q, opts.project, dir));
        if (opts.json) return printJson(rows);
        process.stdout.write(
          `${table(
            ["KEY", "SCOPE", "PREFIX", "LABEL", "CREATED", "STATE"],
            rows.map((k) => [
              k.keyId,
              k.scope,
              k.prefix,
              k.label ?? "",
              relativeTime(k.createdAt),
              k.revokedAt ? paint("red", "revoked") : paint("green", "active"),
            ]),
          )}\n`,
        );
      }),
    );
  keys
    .command("revoke <keyId>")
    .description("revoke a key at once; requests signed with it are refused")
    .option(...dataOption)
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  cuitty keys revoke key_1a2b3c4d5e6f\n  cuitty keys revoke okey_1a2b3c4d5e6f    an organisation key",
    )
    .action((keyId: string, opts: { data?: string; json?: boolean }) =>
      withDatabase(opts, async (db, q) => {
        if (keyId.startsWith("okey_")) {
          const org = await notFound(q.revokeOrgKey(db, keyId));
          if (opts.json) return printJson({ ...org, org: true, revoked: true });
          return info(`Revoked organisation key ${org.keyId}.`);
        }
        const row = await notFound(q.revokeApiKey(db, keyId));
        if (opts.json) return printJson({ ...row, revoked: true });
        info(`Revoked ${row.keyId} of ${row.projectId}.`);
      }),
    );

  program
    .command("backup <dir>")
    .description("write a consistent copy of the data directory to DIR, also while the server runs")
    .option(...dataOption)
    .option("--json", "print JSON")
    .addHelpText("after", "\nExample:\n  cuitty backup ./backups/$(date +%F)")
    .action((dir: string, opts: { data?: string; json?: boolean }) =>
      withDatabase(opts, async (db, q) => {
        let files: string[];
        try {
          files = await q.backupDatabase(db, dir);
        } catch (error) {
          throw new CLIError(String((error as Error).message), "E_DATA");
        }
        if (opts.json) return printJson({ files });
        info(`Backed up ${files.length} files to ${dir}:\n${files.map((f) => `  ${f}`).join("\n")}`);
      }),
    );
}
