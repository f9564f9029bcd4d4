// The deploys module (deploys.db): projects, keys, environments, deploys, their events and health probes.
import { sql } from "drizzle-orm";
import { type AnySQLiteColumn, index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { API_KEY_SCOPES, HEALTH_STATUSES, STATUSES } from "@cuitty/core";

const now = sql`(unixepoch())`;

export const projects = sqliteTable("projects", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  githubWebhookSecret: text("github_webhook_secret"),
  createdAt: integer("created_at").notNull().default(now),
});

// The scope list lives in core (the CLI uses it too); re-exported for the db's callers.
export { API_KEY_SCOPES, type ApiKeyScope } from "@cuitty/core";

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    /** Public identifier shown in listings and used to revoke; the secret is never shown again. */
    keyId: text("key_id").notNull().unique(),
    /** The key itself: HMAC needs the shared secret, so it is stored as issued, or sealed under the master key (README, Encryption at rest). */
    secret: text("secret").notNull(),
    scope: text("scope", { enum: API_KEY_SCOPES }).notNull(),
    label: text("label"),
    createdAt: integer("created_at").notNull().default(now),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_keys_project_idx").on(t.projectId, t.revokedAt)],
);

export const ORG_KEY_SCOPES = ["read", "admin"] as const;
export type OrgKeyScope = (typeof ORG_KEY_SCOPES)[number];

/**
 * Organisation keys: they belong to the server, not to one project. They sign `org.*` procedures
 * (`x-cuitty-project: org`) and act as a key of their scope in any project they name (README, Organisation keys).
 * Kept apart from api_keys so the per-project key lookup on the ingest hot path never sees them.
 */
export const orgKeys = sqliteTable("org_keys", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  keyId: text("key_id").notNull().unique(),
  /** Stored as issued, or sealed under the master key, like api_keys.secret. */
  secret: text("secret").notNull(),
  scope: text("scope", { enum: ORG_KEY_SCOPES }).notNull(),
  label: text("label"),
  createdAt: integer("created_at").notNull().default(now),
  revokedAt: integer("revoked_at"),
});

/**
 * One row (id 1) whose `n` every change to api_keys or projects bumps (triggers of migration 0008), in this
 * process or another (the CLI's local administration): the key cache (keyCache.ts) reads it per request and
 * looks the keys up again when it moved, so a revocation takes effect on the next request.
 */
export const keyGeneration = sqliteTable("key_generation", {
  id: integer("id").primaryKey(),
  n: integer("n").notNull().default(0),
});

export const environments = sqliteTable(
  "environments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** The latest deploy to go live, or the target of the latest rollback. */
    currentDeployId: integer("current_deploy_id").references((): AnySQLiteColumn => deploys.id),
    healthUrl: text("health_url"),
    healthExpectStatus: integer("health_expect_status").notNull().default(200),
    healthIntervalSeconds: integer("health_interval_seconds").notNull().default(30),
    healthTimeoutMs: integer("health_timeout_ms").notNull().default(5000),
    /** How many probes make a full check series after go-live. */
    healthChecks: integer("health_checks").notNull().default(10),
    /** Consecutive failed probes that make the deploy `failing`. */
    healthFailures: integer("health_failures").notNull().default(3),
    autoRollback: integer("auto_rollback", { mode: "boolean" }).notNull().default(false),
    rollbackWebhookUrl: text("rollback_webhook_url"),
    rollbackGithubRepo: text("rollback_github_repo"),
    rollbackGithubWorkflow: text("rollback_github_workflow"),
    rollbackGithubRef: text("rollback_github_ref"),
    /** Prometheus source of regression verdicts and the health condition (README, "Regression and health from Prometheus"). */
    prometheusUrl: text("prometheus_url"),
    prometheusLatencyQuery: text("prometheus_latency_query"),
    prometheusCountQuery: text("prometheus_count_query"),
    /** Secrets like the keys: stored as given, never listed back (see EnvironmentView). */
    prometheusBearerToken: text("prometheus_bearer_token"),
    prometheusBasicAuth: text("prometheus_basic_auth"),
    prometheusErrorQuery: text("prometheus_error_query"),
    prometheusErrorMax: real("prometheus_error_max").notNull().default(0.05),
    /** Where the environment is listed (ascending); unset: production 1, staging 2, the rest after, by name. */
    sortOrder: integer("sort_order"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("environments_project_name_uq").on(t.projectId, t.name)],
);

export const deploys = sqliteTable(
  "deploys",
  {
    // The columns of the original excerpt, same names and meaning.
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: text("project_id").notNull(),
    envId: integer("env_id")
      .notNull()
      .references(() => environments.id, { onDelete: "cascade" }),
    version: text("version"),
    commitSha: text("commit_sha"),
    branch: text("branch"),
    status: text("status", { enum: STATUSES }).notNull().default("initiated"),
    triggeredBy: text("triggered_by"),
    buildLogsUrl: text("build_logs_url"),
    startedAt: integer("started_at").default(now),
    completedAt: integer("completed_at"),
    durationSeconds: integer("duration_seconds"),
    rollbackTargetId: integer("rollback_target_id").references((): AnySQLiteColumn => deploys.id),
    // What the product adds.
    externalKey: text("external_key").notNull(),
    provider: text("provider").notNull().default("manual"),
    healthStatus: text("health_status", { enum: HEALTH_STATUSES }).notNull().default("unknown"),
    /** When the deploy reached `live` (t of the regression windows); kept after a rollback. */
    liveAt: integer("live_at"),
    /** When the deploy entered each earlier phase (its event's occurredAt); null when it skipped it. Phase timings read these. */
    initiatedAt: integer("initiated_at"),
    buildingAt: integer("building_at"),
    deployingAt: integer("deploying_at"),
    committedAt: integer("committed_at"),
    /**
     * Whether an event listed the commits the deploy ships (rows in deploy_commits), set by the transition that
     * adds them: lead time counts a deploy that listed none by its head commit (`committedAt`) instead.
     */
    commitsListed: integer("commits_listed", { mode: "boolean" }).notNull().default(false),
    /** Why it failed or was rolled back (latest reason given). */
    reason: text("reason"),
    markedBadAt: integer("marked_bad_at"),
    markedBadReason: text("marked_bad_reason"),
    markedBadBy: text("marked_bad_by"),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("deploys_project_key_uq").on(t.projectId, t.externalKey),
    index("deploys_project_started_idx").on(t.projectId, t.startedAt, t.id),
    index("deploys_project_status_idx").on(t.projectId, t.status, t.startedAt, t.id),
    index("deploys_project_branch_idx").on(t.projectId, t.branch, t.startedAt, t.id),
    index("deploys_env_live_idx").on(t.envId, t.liveAt),
    // Two readers in one index: an environment's deploys newest first (lists and their pages, by its prefix env_id,
    // started_at, id), and phase timings (the deploys started in a range and their phase entry times, read from the
    // index alone). Every B-tree is written by each new deploy, so no narrower index duplicates its prefix.
    index("deploys_env_phases_idx").on(t.envId, t.startedAt, t.id, t.initiatedAt, t.buildingAt, t.deployingAt, t.liveAt),
    // DORA (dora.ts) reads these three partial indexes; SQLite keeps each one as rows enter or leave its condition,
    // so no writer has to. Failed changes (rolled back, marked bad or failing its checks) by go-live: change
    // failures and where outages start; the condition is the query's FAILED_CHANGE, word for word.
    index("deploys_env_failed_change_idx")
      .on(t.envId, t.liveAt, t.status, t.healthStatus, t.markedBadAt)
      .where(sql`status = 'rolled_back' OR marked_bad_at IS NOT NULL OR health_status = 'failing'`),
    // Runs that failed before going live, by failure time: change failure rate's `failedRuns`.
    index("deploys_env_failed_runs_idx")
      .on(t.envId, t.completedAt, t.status, t.markedBadAt, t.reason)
      .where(sql`live_at IS NULL AND status IN ('failed', 'rolled_back')`),
    // Deploys that listed no commits, by go-live: lead time's head-commit samples. Only a deploy with a commit time
    // is a sample, so only those enter it: an event without committedAt writes nothing here. (Adding
    // `live_at IS NOT NULL` would keep the query on it but no longer covering: SQLite 3.45 then reads the rows.)
    index("deploys_env_head_commit_idx").on(t.envId, t.liveAt, t.committedAt).where(sql`commits_listed = 0 AND committed_at IS NOT NULL`),
  ],
);

export const deployEvents = sqliteTable(
  "deploy_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: text("project_id").notNull(),
    deployId: integer("deploy_id")
      .notNull()
      .references(() => deploys.id, { onDelete: "cascade" }),
    /** The client's idempotency key; null when the event came without one. */
    eventId: text("event_id"),
    fromStatus: text("from_status", { enum: STATUSES }),
    toStatus: text("to_status", { enum: STATUSES }).notNull(),
    occurredAt: integer("occurred_at").notNull(),
    receivedAt: integer("received_at").notNull().default(now),
    reason: text("reason"),
    rollbackTargetId: integer("rollback_target_id"),
    actor: text("actor"),
  },
  (t) => [
    uniqueIndex("deploy_events_project_event_uq").on(t.projectId, t.eventId),
    index("deploy_events_deploy_idx").on(t.deployId, t.id),
    // The organisation's activity feed and the overview's last 24 h read transitions across projects by time.
    index("deploy_events_occurred_idx").on(t.occurredAt, t.id),
    // Rollbacks, by deploy: where time to restore's outages end (dora.ts). Partial: only rollbacks enter it.
    index("deploy_events_rollback_idx").on(t.deployId, t.occurredAt, t.rollbackTargetId).where(sql`to_status = 'rolled_back'`),
  ],
);

export const healthChecks = sqliteTable(
  "health_checks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: text("project_id").notNull(),
    deployId: integer("deploy_id")
      .notNull()
      .references(() => deploys.id, { onDelete: "cascade" }),
    checkedAt: integer("checked_at").notNull(),
    ok: integer("ok", { mode: "boolean" }).notNull(),
    statusCode: integer("status_code"),
    latencyMs: integer("latency_ms"),
    error: text("error"),
  },
  (t) => [index("health_checks_deploy_idx").on(t.deployId, t.checkedAt)],
);

/** The commits a deploy ships (lead time is measured per commit), as the event listed them. */
export const deployCommits = sqliteTable(
  "deploy_commits",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: text("project_id").notNull(),
    deployId: integer("deploy_id")
      .notNull()
      .references(() => deploys.id, { onDelete: "cascade" }),
    sha: text("sha").notNull(),
    committedAt: integer("committed_at").notNull(),
  },
  (t) => [
    uniqueIndex("deploy_commits_deploy_sha_uq").on(t.deployId, t.sha),
    index("deploy_commits_project_sha_idx").on(t.projectId, t.sha),
  ],
);

/**
 * Each commit's first go-live per environment (lead time counts a commit once there, at that go-live), kept in
 * the transition's transaction (applyDeployEvent.ts): a go-live and commits added to a live deploy lower `liveAt`
 * to the earliest go-live that ships the SHA, with that deploy's id and commit time, so events in any order agree.
 */
export const commitFirstLive = sqliteTable(
  "commit_first_live",
  {
    projectId: text("project_id").notNull(),
    envId: integer("env_id")
      .notNull()
      .references(() => environments.id, { onDelete: "cascade" }),
    sha: text("sha").notNull(),
    committedAt: integer("committed_at").notNull(),
    liveAt: integer("live_at").notNull(),
    deployId: integer("deploy_id")
      .notNull()
      .references(() => deploys.id, { onDelete: "cascade" }),
  },
  (t) => [
    uniqueIndex("commit_first_live_env_sha_uq").on(t.envId, t.sha),
    // Covers lead time: the commits first live in a range, read from the index alone.
    index("commit_first_live_env_live_idx").on(t.envId, t.liveAt, t.committedAt, t.projectId),
  ],
);

export type Project = typeof projects.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type OrgKey = typeof orgKeys.$inferSelect;
export type Environment = typeof environments.$inferSelect;
export type Deploy = typeof deploys.$inferSelect;
export type DeployEventRow = typeof deployEvents.$inferSelect;
export type HealthCheck = typeof healthChecks.$inferSelect;
export type DeployCommit = typeof deployCommits.$inferSelect;
export type CommitFirstLive = typeof commitFirstLive.$inferSelect;

/**
 * The health-check series of a deploy while it runs: progress and a lease, so probes resume after a
 * restart and two servers on one database never run the same series (the lease is claimed with a
 * conditional UPDATE; times in unix milliseconds because probe intervals can be shorter than a second).
 */
export const healthSeries = sqliteTable(
  "health_series",
  {
    deployId: integer("deploy_id")
      .primaryKey()
      .references(() => deploys.id, { onDelete: "cascade" }),
    projectId: text("project_id").notNull(),
    probesDone: integer("probes_done").notNull().default(0),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    nextProbeMs: integer("next_probe_ms").notNull(),
    leaseOwner: text("lease_owner"),
    leaseExpiresMs: integer("lease_expires_ms").notNull().default(0),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("health_series_due_idx").on(t.nextProbeMs)],
);

/** The per-environment secret rollback webhooks are signed with (kept apart so environment listings never show it). */
export const rollbackHookSecrets = sqliteTable("rollback_hook_secrets", {
  envId: integer("env_id")
    .primaryKey()
    .references(() => environments.id, { onDelete: "cascade" }),
  projectId: text("project_id").notNull(),
  secret: text("secret").notNull(),
  createdAt: integer("created_at").notNull().default(now),
});

export const ROLLBACK_HOOK_KINDS = ["webhook", "github"] as const;
export const ROLLBACK_HOOK_STATES = ["pending", "delivered", "failed"] as const;

/** One call of an environment's rollback hook per rolled-back deploy and kind: an outbox retried with backoff. */
export const rollbackHooks = sqliteTable(
  "rollback_hooks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: text("project_id").notNull(),
    deployId: integer("deploy_id")
      .notNull()
      .references(() => deploys.id, { onDelete: "cascade" }),
    envId: integer("env_id").notNull(),
    kind: text("kind", { enum: ROLLBACK_HOOK_KINDS }).notNull(),
    url: text("url").notNull(),
    /** The JSON body exactly as sent (signed as is). */
    body: text("body").notNull(),
    state: text("state", { enum: ROLLBACK_HOOK_STATES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptMs: integer("next_attempt_ms").notNull(),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    leaseOwner: text("lease_owner"),
    leaseExpiresMs: integer("lease_expires_ms").notNull().default(0),
    createdAt: integer("created_at").notNull().default(now),
    deliveredAt: integer("delivered_at"),
  },
  (t) => [
    uniqueIndex("rollback_hooks_deploy_kind_uq").on(t.deployId, t.kind),
    index("rollback_hooks_due_idx").on(t.state, t.nextAttemptMs),
  ],
);

export type HealthSeries = typeof healthSeries.$inferSelect;
export type RollbackHook = typeof rollbackHooks.$inferSelect;

/**
 * Audit entries a transition owes to audit.db (another file), written in the transition's own transaction and
 * copied into audit.db afterwards by id (so a copy repeated after a crash is a no-op), then deleted.
 */
export const auditOutbox = sqliteTable("audit_outbox", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  projectId: text("project_id").notNull(),
  /** The audit entry's client id (unique per project in audit.db), e.g. `cuitty:auto-rollback:42`. */
  entryId: text("entry_id").notNull().unique(),
  /** The entry as `recordAuditEntries` takes it, JSON. */
  entry: text("entry").notNull(),
  createdAt: integer("created_at").notNull().default(now),
});
