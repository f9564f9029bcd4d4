// The deploy as clients see it: the row's columns (camelCase) with its environment's name.
import { eq, getTableColumns } from "drizzle-orm";
import type { Database } from "../connection.js";
import { type Deploy, deploys, environments } from "../schema/deploys.js";

type DeploysDb = Database["deploys"];
type DeploysTx = Parameters<Parameters<DeploysDb["transaction"]>[0]>[0];
export type DeploysExecutor = DeploysDb | DeploysTx;

/** The deploy columns clients see: all but the owner ids and the bookkeeping DORA reads (`commits_listed`). */
const { projectId: _p, envId: _e, commitsListed: _c, ...publicColumns } = getTableColumns(deploys);
export const deployPublicColumns = publicColumns;
export const deployViewColumns = { ...publicColumns, environment: environments.name };

export type DeployView = Omit<Deploy, "projectId" | "envId" | "commitsListed"> & { environment: string };

/** Select deploys as views (joined with their environment). */
export function selectDeployViews(db: DeploysExecutor) {
  return db.select(deployViewColumns).from(deploys).innerJoin(environments, eq(environments.id, deploys.envId));
}
