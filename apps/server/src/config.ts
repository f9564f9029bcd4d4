// Server configuration: the one place process.env is read, validated with zod; flags override it.
import { z } from "zod";

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
  /** Calls per second per project, charged once a signature verifies (burst: twice that); 0 turns the limit off. */
  rateLimit: number;
  /** Unauthenticated or failing requests per second per client address (burst: twice that); 0 turns it off. */
  addressRateLimit: number;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  healthWorker: boolean;
  /** For rollback hooks that dispatch a GitHub workflow (needs actions:write on the repository). */
  githubToken?: string;
  githubApiUrl: string;
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
    addressRateLimit: e.CUITTY_ADDRESS_RATE_LIMIT,
    logLevel: e.CUITTY_LOG_LEVEL,
    healthWorker: e.CUITTY_HEALTH_WORKER === "on",
    githubToken: e.CUITTY_GITHUB_TOKEN,
    githubApiUrl: e.CUITTY_GITHUB_API_URL,
    ...defined,
  };
}
