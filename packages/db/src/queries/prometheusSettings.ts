// An environment's Prometheus source with its credentials (server-side only: never sent to clients).
import { and, eq } from "drizzle-orm";
import type { Database } from "../connection.js";
import { environments } from "../schema/deploys.js";

export interface PrometheusSettings {
  url: string;
  /** null = the defaults of @cuitty/core. */
  latencyQuery: string | null;
  countQuery: string | null;
  bearerToken: string | null;
  /** `user:password`. */
  basicAuth: string | null;
  errorQuery: string | null;
  errorMax: number;
}

const columns = {
  url: environments.prometheusUrl,
  latencyQuery: environments.prometheusLatencyQuery,
  countQuery: environments.prometheusCountQuery,
  bearerToken: environments.prometheusBearerToken,
  basicAuth: environments.prometheusBasicAuth,
  errorQuery: environments.prometheusErrorQuery,
  errorMax: environments.prometheusErrorMax,
};

/** The environment's Prometheus settings, or null when it has no Prometheus URL. */
export async function prometheusSettings(db: Database, projectId: string, envId: number): Promise<PrometheusSettings | null> {
  const [row] = await db.deploys
    .select(columns)
    .from(environments)
    .where(and(eq(environments.projectId, projectId), eq(environments.id, envId)));
  if (!row?.url) return null;
  const open = (v: string | null) => (v === null ? null : db.secrets.open(v));
  return { ...row, url: row.url, bearerToken: open(row.bearerToken), basicAuth: open(row.basicAuth) };
}
