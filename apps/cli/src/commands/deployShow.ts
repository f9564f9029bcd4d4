// `cuitty deploy show ID`: one deploy with the commits it shipped, its timeline of transitions, health checks
// and rollback links.
import type { Command } from "@commander-js/extra-typings";
import { deployTitle } from "@cuitty/core";
import { call } from "../apiErrors.js";
import { createApiClient } from "../client.js";
import { resolveConnection } from "../config.js";
import { type DeployDetail, duration, fields, shortSha, statusLabel } from "../deployFormat.js";
import { paint, printJson, relativeTime, table } from "../output.js";
import { addConnectionOptions, parseDeployId, withConnectionHelp } from "./deployOptions.js";

function render(d: DeployDetail): string {
  const head = fields([
    ["deploy", `${deployTitle(d)} (#${d.id})${d.current ? ` ${paint("green", "(current)")}` : ""}`],
    ["key", d.externalKey],
    ["environment", d.environment],
    ["status", statusLabel(d.status)],
    ["health", d.healthStatus === "unknown" ? null : d.healthStatus],
    ["version", d.version],
    ["commit", d.commitSha ? `${shortSha(d.commitSha)} (${d.commitSha})` : null],
    ["branch", d.branch],
    ["triggered by", d.triggeredBy],
    ["provider", d.provider],
    ["logs", d.buildLogsUrl],
    ["started", d.startedAt ? `${relativeTime(d.startedAt)} (${new Date(d.startedAt * 1000).toISOString()})` : null],
    ["duration", d.durationSeconds === null ? null : duration(d.durationSeconds)],
    ["marked bad", d.markedBadAt === null ? null : `by ${d.markedBadByName ?? "-"}${d.markedBadReason ? `: ${d.markedBadReason}` : ""}`],
    ["rolled back to", d.rollbackTarget ? `${deployTitle(d.rollbackTarget)} (#${d.rollbackTarget.id})` : null],
    ["rolled back from", d.rolledBackFrom.length ? d.rolledBackFrom.map((r) => `${deployTitle(r)} (#${r.id})`).join(", ") : null],
  ]);
  const events = table(
    ["WHEN", "FROM", "TO", "BY", "REASON"],
    d.events.map((e) => [relativeTime(e.occurredAt), e.fromStatus ?? "-", statusLabel(e.toStatus), e.actorName ?? "-", e.reason ?? ""]),
  );
  const checks = d.healthChecks.length
    ? `\n\n${paint("bold", "Health checks")} (latest ${Math.min(d.healthChecks.length, 10)})\n${table(
        ["WHEN", "RESULT", "STATUS", "LATENCY", "ERROR"],
        d.healthChecks
          .slice(0, 10)
          .map((c) => [
            relativeTime(c.checkedAt),
            c.ok ? paint("green", "ok") : paint("red", "failed"),
            String(c.statusCode ?? "-"),
            c.latencyMs === null ? "-" : `${c.latencyMs}ms`,
            c.error ?? "",
          ]),
      )}`
    : "";
  const shipped = d.commits.length
    ? `\n\n${paint("bold", "What changed")} (${d.commits.length} commit${d.commits.length === 1 ? "" : "s"}, oldest first)\n${table(
        ["COMMIT", "COMMITTED", "LEAD TIME"],
        d.commits.map((c) => [
          shortSha(c.sha),
          relativeTime(c.committedAt),
          d.liveAt === null ? "-" : duration(Math.max(0, d.liveAt - c.committedAt)),
        ]),
      )}`
    : "";
  return `${head}${shipped}\n\n${paint("bold", "Timeline")}\n${events}${checks}`;
}

export function registerDeployShow(deploy: Command): void {
  const show = addConnectionOptions(
    deploy
      .command("show")
      .description("show one deploy: its fields, timeline of transitions and health checks (needs a read key)")
      .argument("<id>", "the deploy's id, e.g. 42 or #42", parseDeployId),
  );
  withConnectionHelp(show, ["cuitty deploy show 42", "cuitty deploy show 42 --json | jq .events"]);
  show.action(async (id, flags) => {
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const detail = await call(conn, () => client.deploys.get.query({ id }));
    if (flags.json) return printJson(detail);
    process.stdout.write(`${render(detail)}\n`);
  });
}
