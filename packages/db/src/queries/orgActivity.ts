// The organisation's activity feed: every accepted transition of every project, newest first, cursor pages
// over the deploy_events (occurred_at, id) index.
import { CuittyError, type DeployStatus, deployTitle } from "@cuitty/core";
import type { Database } from "../connection.js";
import { actorNamesAcrossProjects } from "./actorNames.js";
import { ORG_FILTER_SQL, type OrgFilter, orgFilterArgs } from "./orgOverview.js";
import { rowsOf } from "./sqlViews.js";

interface ActivityRow {
  eventRowId: number;
  projectId: string;
  service: string;
  environment: string;
  deployId: number;
  version: string | null;
  commitSha: string | null;
  externalKey: string | null;
  from: DeployStatus | null;
  to: DeployStatus;
  occurredAt: number;
  reason: string | null;
  rollbackTargetId: number | null;
  actor: string | null;
}

function encodeCursor(r: ActivityRow): string {
  return Buffer.from(`${r.occurredAt}:${r.eventRowId}`).toString("base64url");
}
function decodeCursor(cursor: string): { at: number; id: number } {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split(":").map(Number);
  if (!Number.isInteger(at) || !Number.isInteger(id)) {
    throw new CuittyError("VALIDATION_FAILED", "cursor is not one this server issued", { fields: ["cursor"] });
  }
  return { at: at!, id: id! };
}

export async function orgActivity(db: Database, filter: OrgFilter & { limit: number; cursor?: string }) {
  const c = filter.cursor ? decodeCursor(filter.cursor) : undefined;
  const rows = rowsOf<ActivityRow>(
    await db.clients.deploys.execute({
      sql: `SELECT ev.id AS eventRowId, p.id AS projectId, p.name AS service, e.name AS environment, d.id AS deployId,
              d.version AS version, d.commit_sha AS commitSha, d.external_key AS externalKey,
              ev.from_status AS "from", ev.to_status AS "to", ev.occurred_at AS occurredAt, ev.reason AS reason,
              ev.rollback_target_id AS rollbackTargetId, ev.actor AS actor
            FROM deploy_events ev JOIN deploys d ON d.id = ev.deploy_id
            JOIN environments e ON e.id = d.env_id JOIN projects p ON p.id = e.project_id
            WHERE ${ORG_FILTER_SQL} AND (?3 IS NULL OR ev.occurred_at < ?3 OR (ev.occurred_at = ?3 AND ev.id < ?4))
            ORDER BY ev.occurred_at DESC, ev.id DESC LIMIT ?5`,
      args: [...orgFilterArgs(filter), c?.at ?? null, c?.id ?? null, filter.limit + 1],
    }),
  );
  const page = rows.slice(0, filter.limit);
  const nameOf = await actorNamesAcrossProjects(
    db,
    page.map((r) => r.actor),
  );
  const last = page.at(-1);
  return {
    items: page.map(({ eventRowId, version, commitSha, externalKey, ...r }) => ({
      id: eventRowId,
      ...r,
      title: deployTitle({ id: r.deployId, version, commitSha, externalKey }),
      actorName: nameOf(r.actor),
    })),
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null,
  };
}
