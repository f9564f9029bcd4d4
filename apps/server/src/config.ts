// Server configuration: the one place process.env is read, validated with zod; flags override it.
import { z } from "zod";

/**
 * Step boundaries a test may crash the server at (CUITTY_TEST_CRASH_AFTER, test-only, see crashPoint.ts):
 * `transition` after a transition's transaction commits (emit, emitBatch, rollback), before anything else;
 * `auto-rollback` after an auto-rollback's transaction commits; `audit-copy` after owed audit entries are
 * written to audit.db, before they are forgotten; `hook-delivered` after a rollback hook answered 2xx, before
 * that is recorded.
 */
export const CRASH_POINTS = ["transition", "auto-rollback", "audit-copy", "hook-delivered"] as const;
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
  CUITTY_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  CUITTY_HEALTH_WORKER: z.enum(["on", "off"]).default("on"),
  CUITTY_GITHUB_TOKEN: z.string().min(1).optional(),
  CUITTY_GITHUB_API_URL: z.string().url().default("https://api.github.com"),
  /** Test-only: never set it in production (the process kills itself at that point). */
  CUITTY_TEST_CRASH_AFTER: z.enum(CRASH_POINTS).optional(),
});

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  databaseAuthToken?: string;
  synchronous: "NORMAL" | "FULL";
  /** The URL people and clients use (printed, written to credentials.json). */
  publicUrl?: string;
  dashboardDir?: string;
  /** Requests per second per project (burst: twice that); 0 turns the limit off. */
  rateLimit: number;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  healthWorker: boolean;
  /** For rollback hooks that dispatch a GitHub workflow (needs actions:write on the repository). */
  githubToken?: string;
  githubApiUrl: string;
  /** Test-only: kill the process right after this step (CUITTY_TEST_CRASH_AFTER). */
  testCrashAfter?: CrashPoint;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ServerConfig> = {}): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return {
    port: e.CUITTY_PORT,
    host: e.CUITTY_HOST,
    dataDir: e.CUITTY_DATA_DIR,
    databaseUrl: e.CUITTY_DATABASE_URL,
    databaseAuthToken: e.CUITTY_DATABASE_AUTH_TOKEN,
    synchronous: e.CUITTY_SYNCHRONOUS,
    publicUrl: e.CUITTY_PUBLIC_URL,
    dashboardDir: e.CUITTY_DASHBOARD_DIR,
    rateLimit: e.CUITTY_RATE_LIMIT,
    logLevel: e.CUITTY_LOG_LEVEL,
    healthWorker: e.CUITTY_HEALTH_WORKER === "on",
    githubToken: e.CUITTY_GITHUB_TOKEN,
    githubApiUrl: e.CUITTY_GITHUB_API_URL,
    testCrashAfter: e.CUITTY_TEST_CRASH_AFTER,
    ...defined,
  };
}
