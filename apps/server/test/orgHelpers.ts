// Shared helpers of the organisation tests: several projects with keys, histories emitted by project, org keys.
import { createApiKey, createOrgKey, createProject } from "@cuitty/db";
import { ORG_PROJECT } from "@cuitty/core";
import type { ProcedurePath, TestServer } from "../src/testing.js";

export interface Service {
  projectId: string;
  admin: string;
  read: string;
  ingest: string;
}

export async function createService(server: TestServer, name: string): Promise<Service> {
  const project = await createProject(server.db, name);
  const key = async (scope: "admin" | "read" | "ingest") => (await createApiKey(server.db, project.id, scope, `${name} ${scope}`)).apiKey;
  return { projectId: project.id, admin: await key("admin"), read: await key("read"), ingest: await key("ingest") };
}

export async function orgKeys(server: TestServer) {
  return {
    read: (await createOrgKey(server.db, "read", "platform team")).apiKey,
    admin: (await createOrgKey(server.db, "admin", "platform admins")).apiKey,
  };
}

type Step = [status: string, at: number, extra?: Record<string, unknown>];

/** Emits one deploy's steps into a service's environment as one batch; returns the deploy's id. */
export async function history(server: TestServer, s: Service, environment: string, key: string, steps: Step[]): Promise<number> {
  const events = steps.map(([status, occurredAt, extra], i) => ({
    id: `${environment}:${key}:${i}`,
    type: "deploy",
    deploy: `${environment}:${key}`,
    environment,
    status,
    occurredAt,
    ...extra,
  }));
  const res = await server.request("deploys.emitBatch", { input: { events }, key: s.admin, projectId: s.projectId });
  if (res.status !== 200) throw new Error(`${key}: ${JSON.stringify(res.body)}`);
  const [first, ...rest] = res.body.result.data.results;
  for (const r of [first, ...rest]) if (!r?.ok) throw new Error(`${key}: ${JSON.stringify(r)}`);
  if (!first?.ok) throw new Error(`${key}: no result`);
  return first.deploy.id;
}

/** Calls an org.* procedure with an organisation key; throws on anything but 200. */
export async function orgCall<P extends ProcedurePath>(server: TestServer, key: string, procedure: P, input?: unknown) {
  const res = await server.request(procedure, { input, key, projectId: ORG_PROJECT });
  if (res.status !== 200) throw new Error(`${procedure} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.result.data;
}
