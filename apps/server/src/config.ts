// Server configuration: the one place process.env is read, validated with zod; flags override it.
import { createOutboundPolicy, parseCidrList } from "@cuitty/core";
import type { MasterKeys } from "@cuitty/db";
import { z } from "zod";
import { resolveMasterKeys } from "./masterKey.js";

/**
 * Step boundaries a test may crash the server at (CUITTY_TEST_CRASH_AFTER, test-only, see crashPoint.ts):
 * `transition` after a transition's transaction commits (emit, emitBatch, rollback), before anything else;
 * `auto-rollback` after an auto-rollback's transaction commits; `audit-copy` after owed audit entries are
 * written to audit.db, before they are forgotten; `hook-delivered` after a rollback hook answered 2xx, before
 * that is recorded.
 */
const CRASH_POINTS = ["transition", "auto-rollback", "audit-copy", "hook-delivered"] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

const envSchema = z.object({
  CUITTY_PORT: z.coerce.number().int().min(0).max(65535).default(4400),
  CUITTY_HOST: z.string().min(1).default("127.0.0.1"),
  CUITTY_DATA_DIR: z.string().min(1).default("./.cuitty"),
  CUITTY_DATABASE_URL: z.string().url().optional(),
  CUITTY_DATABASE_AUTH_TOKEN: z.string().optional(),
  CUITTY_SYNCHRONOUS: z.enum(["NORMAL", "FULL"]).default("NORMAL"),
  CUITTY_PUBLIC_URL: z.string().url().optional(),
  CUITTY_DASHBOARD_DIR: z.string().optional(),
  CUITTY_RATE_LIMIT: z.coerce.number().int().min(0).default(2000),
  CUITTY_ADDRESS_RATE_LIMIT: z.coerce.number().int().min(0).default(10),
  CUITTY_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  CUITTY_HEALTH_WORKER: z.enum(["on", "off"]).default("on"),
  CUITTY_GITHUB_TOKEN: z.string().min(1).optional(),
  CUITTY_GITHUB_API_URL: z.string().url().default("https://api.github.com"),
  /** Test-only: never set it in production (the process kills itself at that point). */
  CUITTY_TEST_CRASH_AFTER: z.enum(CRASH_POINTS).optional(),
  /** Comma- or space-separated IP ranges (CIDR) outbound requests may reach despite the built-in deny list. */
  CUITTY_OUTBOUND_ALLOW: z.string().default(""),
  /** Comma- or space-separated IP ranges (CIDR) outbound requests may never reach. */
  CUITTY_OUTBOUND_DENY: z.string().default(""),
  /** Encryption at rest of API keys and hook secrets: the key itself, or a file holding it (outside the data dir). */
  CUITTY_MASTER_KEY: z.string().min(1).optional(),
  CUITTY_MASTER_KEY_FILE: z.string().min(1).optional(),
  /** Keys replaced by a rotation: still decrypt, and rows under them are re-encrypted with the current key at start. */
  CUITTY_MASTER_KEY_PREVIOUS: z.string().min(1).optional(),
  CUITTY_MASTER_KEY_PREVIOUS_FILE: z.string().min(1).optional(),
});

/** The config as read from the environment; loadConfig adds the master keys, which depend on the final data dir. */
const configSchema = envSchema.transform((e, ctx) => {
  const cidrList = (name: "CUITTY_OUTBOUND_ALLOW" | "CUITTY_OUTBOUND_DENY"): ReturnType<typeof parseCidrList> => {
    try {
      return parseCidrList(e[name]);
    } catch (error) {
      ctx.addIssue({ code: "custom", path: [name], message: (error as Error).message });
      return [];
    }
  };
  return {
    port: e.CUITTY_PORT,
    host: e.CUITTY_HOST,
    dataDir: e.CUITTY_DATA_DIR,
    databaseUrl: e.CUITTY_DATABASE_URL,
    databaseAuthToken: e.CUITTY_DATABASE_AUTH_TOKEN,
    synchronous: e.CUITTY_SYNCHRONOUS,
    /** The URL people and clients use (printed, written to credentials.json). */
    publicUrl: e.CUITTY_PUBLIC_URL,
    dashboardDir: e.CUITTY_DASHBOARD_DIR,
    /** Calls per second per project, charged once a signature verifies (burst: twice that); 0 turns the limit off. */
    rateLimit: e.CUITTY_RATE_LIMIT,
    /** Unauthenticated or failing requests per second per client address (burst: twice that); 0 turns it off. */
    addressRateLimit: e.CUITTY_ADDRESS_RATE_LIMIT,
    logLevel: e.CUITTY_LOG_LEVEL,
    healthWorker: e.CUITTY_HEALTH_WORKER === "on",
    /** For rollback hooks that dispatch a GitHub workflow (needs actions:write on the repository). */
    githubToken: e.CUITTY_GITHUB_TOKEN,
    githubApiUrl: e.CUITTY_GITHUB_API_URL,
    /** Test-only: kill the process right after this step (CUITTY_TEST_CRASH_AFTER). */
    testCrashAfter: e.CUITTY_TEST_CRASH_AFTER,
    /** Which addresses health probes, rollback hooks and event deliveries may reach. */
    outboundPolicy: createOutboundPolicy({ allow: cidrList("CUITTY_OUTBOUND_ALLOW"), deny: cidrList("CUITTY_OUTBOUND_DENY") }),
    masterKeySettings: {
      key: e.CUITTY_MASTER_KEY,
      keyFile: e.CUITTY_MASTER_KEY_FILE,
      previous: e.CUITTY_MASTER_KEY_PREVIOUS,
      previousFile: e.CUITTY_MASTER_KEY_PREVIOUS_FILE,
    },
  };
});

export type ServerConfig = Omit<z.output<typeof configSchema>, "masterKeySettings"> & {
  /** Master keys for encryption at rest (none configured: secrets are stored as issued). */
  masterKeys: MasterKeys;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ServerConfig> = {}): ServerConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid configuration: ${issues}`);
  }
  const { masterKeySettings, ...config } = parsed.data;
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const dataDir = overrides.dataDir ?? config.dataDir;
  return {
    ...config,
    masterKeys: overrides.masterKeys ?? resolveMasterKeys(masterKeySettings, dataDir),
    ...defined,
  };
}
