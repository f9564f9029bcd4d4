// The one place the CLI reads process.env: connection settings (flags > env > credentials file) and CI variables.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command, OptionValues } from "@commander-js/extra-typings";
import { z } from "zod";
import { credentialsFileSchema } from "@cuitty/core";
import { CLIError } from "./errors.js";
import type { FlagsOf, NoOptions } from "./flags.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** A snapshot of the environment; everything else takes it as a parameter so it stays testable. */
export function readEnv(): Env {
  return { ...process.env };
}

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const text = z.preprocess(blankToUndefined, z.string().trim().optional());

const envSchema = z.object({
  CUITTY_PORTAL_URL: text,
  CUITTY_PROJECT_ID: text,
  CUITTY_API_KEY: text,
  CUITTY_DATA_DIR: text,
});

// Each setting may come from elsewhere (flags, variables), so the file may hold only some of them.
const fileSchema = credentialsFileSchema.partial();

/** The connection flags of every command that talks to the server; CONNECTION_HELP below documents them. */
export function addConnectionFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd
    .option("--portal-url <url>", "server address (env CUITTY_PORTAL_URL)")
    .option("--project <id>", "project id (env CUITTY_PROJECT_ID)")
    .option("--api-key <key>", "API key (env CUITTY_API_KEY)");
}

export type ConnectionFlags = FlagsOf<typeof addConnectionFlags<[], NoOptions, NoOptions>>;

export interface Connection {
  portalUrl: string;
  projectId: string;
  apiKey: string;
}

/** Where `cuitty serve` writes its first-start credentials (docs/design.md §8). */
function credentialsFile(env: Env, cwd = process.cwd()): string {
  return resolve(cwd, join(envSchema.parse(env).CUITTY_DATA_DIR ?? ".cuitty", "credentials.json"));
}

/** What a credentials file holds; nothing when there is no file. */
export function readCredentialsFile(file: string): z.infer<typeof fileSchema> {
  let raw: string;
  try {
    raw = readFileSync(file, "utf8");
  } catch {
    return {}; // no file is the normal case in CI
  }
  try {
    return fileSchema.parse(JSON.parse(raw));
  } catch {
    throw new CLIError(
      `${file} is not a valid credentials file`,
      "E_CONFIG",
      "delete it and run `cuitty serve` again, or set the CUITTY_* variables",
    );
  }
}

const SOURCES = {
  portalUrl: { flag: "--portal-url", env: "CUITTY_PORTAL_URL" },
  projectId: { flag: "--project", env: "CUITTY_PROJECT_ID" },
  apiKey: { flag: "--api-key", env: "CUITTY_API_KEY" },
} as const;

/** Resolves each setting from its flag, then its variable, then ./.cuitty/credentials.json. */
export function resolveConnection(flags: ConnectionFlags, env: Env = readEnv()): Connection {
  const vars = envSchema.parse(env);
  const file = credentialsFile(env);
  const needsFile =
    !(flags.portalUrl ?? vars.CUITTY_PORTAL_URL) || !(flags.project ?? vars.CUITTY_PROJECT_ID) || !(flags.apiKey ?? vars.CUITTY_API_KEY);
  const stored = needsFile ? readCredentialsFile(file) : {};
  const values = {
    portalUrl: flags.portalUrl ?? vars.CUITTY_PORTAL_URL ?? stored.portalUrl,
    projectId: flags.project ?? vars.CUITTY_PROJECT_ID ?? stored.projectId,
    apiKey: flags.apiKey ?? vars.CUITTY_API_KEY ?? stored.apiKey,
  };
  const missing = (Object.keys(SOURCES) as (keyof typeof SOURCES)[]).filter((k) => !values[k]);
  if (missing.length > 0) {
    const names = missing.map((k) => SOURCES[k].env).join(", ");
    throw new CLIError(
      `${names} ${missing.length === 1 ? "is" : "are"} not set, and ${file} does not provide ${missing.length === 1 ? "it" : "them"}`,
      "E_CONFIG",
      `set ${names} (in CI: from the repository's secrets), pass ${missing.map((k) => SOURCES[k].flag).join(", ")}, or run \`cuitty serve\` in this directory once`,
    );
  }
  const portalUrl = values.portalUrl!;
  const parsed = z.url({ protocol: /^https?$/ }).safeParse(portalUrl);
  if (!parsed.success) {
    throw new CLIError(
      `the portal URL "${portalUrl}" is not an http(s) URL`,
      "E_CONFIG",
      "set CUITTY_PORTAL_URL (or --portal-url) to e.g. https://deploys.example.com",
    );
  }
  return { portalUrl: portalUrl.replace(/\/+$/, ""), projectId: values.projectId!, apiKey: values.apiKey! };
}

/**
 * The portal URL people and GitHub reach the server at, for messages of local commands (the webhook's payload URL):
 * the flag, then CUITTY_PORTAL_URL, then the data directory's credentials.json, then the server's own default.
 */
export function localPortalUrl(flag: string | undefined, stored: string | undefined, serverDefault: string, env: Env = readEnv()): string {
  const url = flag ?? envSchema.parse(env).CUITTY_PORTAL_URL ?? stored ?? serverDefault;
  return url.replace(/\/+$/, "");
}

/** Help text shared by every command that talks to the server. */
export const CONNECTION_HELP = `
Connection (flags override variables; without either, ./.cuitty/credentials.json written by \`cuitty serve\` is used):
  CUITTY_PORTAL_URL   --portal-url   e.g. https://deploys.example.com
  CUITTY_PROJECT_ID   --project      the project's id (prj_…)
  CUITTY_API_KEY      --api-key      an ingest key to report, read to list, admin to roll back`;
