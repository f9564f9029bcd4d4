// The one-line text of an outbound event for Slack-compatible receivers (`{"text": …}`).
import type { HookEvent } from "@cuitty/core";

const ICON: Record<string, string> = {
  initiated: ":large_blue_circle:",
  building: ":hammer:",
  deploying: ":rocket:",
  live: ":white_check_mark:",
  failed: ":x:",
  rolled_back: ":leftwards_arrow_with_hook:",
};

export function slackText(e: HookEvent): string {
  const d = e.deploy;
  const what = `deploy #${d.id}${d.version ? ` ${d.version}` : d.commitSha ? ` ${d.commitSha.slice(0, 7)}` : ""}`;
  const where = `*${e.environment}*`;
  switch (e.type) {
    case "deploy.health":
      return `${e.health?.to === "passing" ? ":large_green_circle:" : ":red_circle:"} ${where}: ${what} health checks ${e.health?.to}`;
    case "deploy.marked_bad":
      return `:warning: ${where}: ${what} marked bad by ${e.mark?.by}${e.mark?.reason ? `: ${e.mark.reason}` : ""}`;
    case "deploy.marked_good":
      return `:ballot_box_with_check: ${where}: ${what} marked good again by ${e.mark?.by}`;
    default: {
      const t = e.transition;
      const status = t?.to ?? d.status;
      const extra = status === "rolled_back" && t?.rollbackTargetId ? ` to #${t.rollbackTargetId}` : "";
      const reason = t?.reason ? `: ${t.reason}` : "";
      const by = d.triggeredBy && (status === "initiated" || status === "live") ? ` (by ${d.triggeredBy})` : "";
      return `${ICON[status] ?? ""} ${where}: ${what} ${status.replace("_", " ")}${extra}${by}${reason}`.trim();
    }
  }
}
