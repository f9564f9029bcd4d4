// Environments: their settings (health policy, rollback hook) and current deploy.
import { type SQL, and, asc, eq, sql } from "drizzle-orm";
import { CuittyError } from "@cuitty/core";
import type { Database } from "../connection.js";
import { type Environment, environments } from "../schema/deploys.js";

/** The Prometheus credentials are secrets: listings say only which kind is set. */
type PrometheusSecrets = "prometheusBearerToken" | "prometheusBasicAuth";

export type EnvironmentView = Omit<Environment, "projectId" | PrometheusSecrets> & {
  prometheusAuth: "bearer" | "basic" | null;
};

function toView({ projectId: _, prometheusBearerToken, prometheusBasicAuth, ...env }: Environment): EnvironmentView {
  return { ...env, prometheusAuth: prometheusBearerToken ? "bearer" : prometheusBasicAuth ? "basic" : null };
}

/** Production first, then staging, unless an order is set; what sorts first is listed first. */
export const DEFAULT_ENVIRONMENT_ORDER: Readonly<Record<string, number>> = { production: 1, staging: 2 };

const effectiveOrder = sql`coalesce(${environments.sortOrder}, CASE ${environments.name} ${sql.join(
  Object.entries(DEFAULT_ENVIRONMENT_ORDER).map(([name, n]) => sql`WHEN ${name} THEN ${sql.raw(String(n))}`),
  sql` `,
)} END)`;

/**
 * The order environments are listed in everywhere (overview, deploys.current, environments.list): by their order
 * number (set with environments.update; unset: production 1, staging 2), those without one after, by name.
 */
export const environmentOrder: SQL[] = [sql`${effectiveOrder} IS NULL`, asc(effectiveOrder), asc(environments.name)];

export async function listEnvironments(db: Database, projectId: string): Promise<EnvironmentView[]> {
  const rows = await db.deploys
    .select()
    .from(environments)
    .where(eq(environments.projectId, projectId))
    .orderBy(...environmentOrder);
  return rows.map(toView);
}

type EnvironmentSettings = Partial<Omit<Environment, "id" | "projectId" | "name" | "currentDeployId" | "createdAt">>;

/** One kind of Prometheus auth at a time: setting one clears the other. */
function withOneAuth(settings: EnvironmentSettings): EnvironmentSettings {
  const { prometheusBearerToken: bearer, prometheusBasicAuth: basic } = settings;
  if (bearer && basic) {
    throw new CuittyError("VALIDATION_FAILED", "set either a Prometheus bearer token or basic auth, not both", {
      fields: ["prometheusBearerToken", "prometheusBasicAuth"],
    });
  }
  if (bearer) return { ...settings, prometheusBasicAuth: null };
  if (basic) return { ...settings, prometheusBearerToken: null };
  return settings;
}

/** Prometheus credentials are stored like every other secret (sealed when a master key is set). */
function sealed(db: Database, settings: EnvironmentSettings): EnvironmentSettings {
  const seal = (v: string | null | undefined) => (v ? db.secrets.seal(v) : v);
  return {
    ...settings,
    ...("prometheusBearerToken" in settings ? { prometheusBearerToken: seal(settings.prometheusBearerToken) } : {}),
    ...("prometheusBasicAuth" in settings ? { prometheusBasicAuth: seal(settings.prometheusBasicAuth) } : {}),
  };
}

/** Updates settings of an environment, creating it if it does not exist yet (settings may come first). */
export async function updateEnvironment(
  db: Database,
  projectId: string,
  name: string,
  given: EnvironmentSettings,
): Promise<EnvironmentView> {
  const settings = sealed(db, withOneAuth(given));
  return db.deploys.transaction(async (tx) => {
    const found = await tx.query.environments.findFirst({
      where: and(eq(environments.projectId, projectId), eq(environments.name, name)),
    });
    const [row] = found
      ? Object.keys(settings).length === 0
        ? [found]
        : await tx.update(environments).set(settings).where(eq(environments.id, found.id)).returning()
      : await tx
          .insert(environments)
          .values({ projectId, name, ...settings })
          .returning();
    if (!row) throw new CuittyError("INTERNAL", "environment update returned nothing");
    return toView(row);
  });
}
