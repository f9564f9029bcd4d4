// Shared helpers of the wire tests: events, row counts, and deploys driven to a given state.
import type { DeployStatus } from "@cuitty/core";
import type { TestServer } from "../src/testing.js";

let seq = 0;
export const uniq = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

export function event(deploy: string, status: DeployStatus, extra: Record<string, unknown> = {}) {
  return { type: "deploy", deploy, status, environment: "production", ...extra };
}

/** Row counts of every table a refused request could touch. */
export async function rowCounts(server: TestServer) {
  const count = async (table: string) => Number((await server.db.clients.deploys.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
  return {
    deploys: await count("deploys"),
    events: await count("deploy_events"),
    environments: await count("environments"),
    keys: await count("api_keys"),
  };
}

export async function emit(server: TestServer, input: Record<string, unknown>, key?: string) {
  return server.request("deploys.emit", { input, key: key ?? server.keys.ingest });
}

/** Creates a deploy and drives it to `status` through allowed transitions; returns its numeric id. */
export async function deployIn(server: TestServer, status: DeployStatus, env = "production"): Promise<number> {
  const key = uniq("d");
  const path: DeployStatus[] = status === "rolled_back" ? ["live", "rolled_back"] : status === "failed" ? ["building", "failed"] : [status];
  if (status === "rolled_back") await deployIn(server, "live", env); // a target to roll back to
  let id = 0;
  for (const s of path) {
    const res = await emit(server, event(key, s, { environment: env }));
    if (res.status !== 200) throw new Error(`setup failed: ${JSON.stringify(res.body)}`);
    id = res.body.result.data.deploy.id;
  }
  return id;
}
