// @cuitty/db: the libSQL connection and every query, each scoped by project. Tables: @cuitty/db/schema.
export { MasterKeyError, type MasterKeys } from "./secretBox.js";
export type { ApiKeyScope, OrgKeyScope } from "./schema/deploys.js";
export type { HookSubscription } from "./schema/hooks.js";
export { type Database, openDatabase } from "./connection.js";
export { backupDatabase } from "./backup.js";
export type { DeployView } from "./queries/views.js";
export {
  createApiKey,
  createProject,
  findActiveKeys,
  getProject,
  listApiKeys,
  listProjects,
  revokeApiKey,
  setGithubWebhookSecret,
} from "./queries/projects.js";
export { applyDeployEvent, applyDeployEvents, type BatchItemResult, type EmitResult, rollbackDeploy } from "./queries/applyDeployEvent.js";
export { currentDeploys, getDeploy, listDeploys, type Page, timeline } from "./queries/readDeploys.js";
export { type EnvironmentView, listEnvironments, updateEnvironment } from "./queries/environments.js";
export { recordAuditEntries, type RecordResult } from "./queries/audit.js";
export { recordPerfSnapshots } from "./queries/perf.js";
export { deployWindows } from "./queries/deployWindows.js";
export {
  deltaPercent,
  deployRegression,
  type MetricRegression,
  metricVerdict,
  overallVerdict,
  type RegressionResult,
} from "./queries/regression.js";
export { type PrometheusSettings, prometheusSettings } from "./queries/prometheusSettings.js";
export { type Correlations, deployCorrelations } from "./queries/correlations.js";
export {
  abandonSeries,
  claimDueSeries,
  type ClaimedSeries,
  findAutoRollbackCandidates,
  listHealthChecks,
  nextStep,
  type ProbeResult,
  recordProbe,
  releaseSeriesLeases,
} from "./queries/healthSeries.js";
export {
  claimDueHooks,
  type ClaimedHook,
  listRollbackHooks,
  recordHookAttempt,
  releaseHookLeases,
  rollbackHookSecret,
  rollbackHookUrl,
} from "./queries/healthHooks.js";
export { copyAuditOutbox, countOwedAuditEntries, type OwedAuditEntry } from "./queries/auditOutbox.js";
export { type DoraMetrics, doraMetrics } from "./queries/dora.js";
export { type DeployPhase, deployPhases, type PhaseTimings, phaseTimings } from "./queries/phases.js";
export { feedOutbox, pruneOutbox } from "./queries/hookOutbox.js";
export {
  addHookSubscription,
  claimHookSubscriptions,
  type HookSubscriptionView,
  listHookDeliveries,
  listHookSubscriptions,
  nextHookEvent,
  recordHookDelivery,
  releaseHookSubscriptions,
  removeHookSubscription,
} from "./queries/hookSubscriptions.js";
export { type DeployMarkView, listDeployMarks, markDeploy, reconcileDeployMarks } from "./queries/deployMarks.js";
export { createOrgKey, findActiveOrgKeys, listOrgKeys, revokeOrgKey } from "./queries/orgKeys.js";
export { orgOverview } from "./queries/orgOverview.js";
export { orgActivity } from "./queries/orgActivity.js";
export { orgDora } from "./queries/orgDora.js";
