// createCuittyTrpcClient against a real server: every procedure, signed, with the server's refusals intact.
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, expect, expectTypeOf, it } from "vitest";
import type { AppRouter } from "@cuitty/api";
import { type TestServer, startTestServer } from "@cuitty/server/testing";
import { type CuittyErrorData, createCuittyTrpcClient, cuittyErrorOf, isCuittyError } from "../src/index.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

it("lists deploys and rolls one back with an admin key, each request signed", async () => {
  const admin = createCuittyTrpcClient({ portalUrl: server.url, projectId: server.projectId, apiKey: server.keys.admin });
  await admin.deploys.emit.mutate({ id: "evt_t1", type: "deploy", deploy: "trpc-1", status: "live", environment: "production" });
  await admin.deploys.emit.mutate({ id: "evt_t2", type: "deploy", deploy: "trpc-2", status: "live", environment: "production" });

  const { items } = await admin.deploys.list.query({ environment: "production" });
  expect(items.map((d) => d.externalKey)).toEqual(["trpc-2", "trpc-1"]);

  const rolledBack = await admin.deploys.rollback.mutate({ deployId: items[0]!.id, reason: "p99 doubled" });
  expect(rolledBack.status).toBe("rolled_back");
  expect(rolledBack.rollbackTargetId).toBe(items[1]!.id);
});

it("rejects a call the key's scope does not allow with the server's code", async () => {
  const read = createCuittyTrpcClient({ portalUrl: server.url, projectId: server.projectId, apiKey: server.keys.read });
  const error = await read.deploys.rollback.mutate({ deployId: 1 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCClientError);
  expect((error as TRPCClientError<AppRouter>).data?.cuittyCode).toBe("FORBIDDEN_SCOPE");
});

it("refuses to start without a portal URL, naming the variable to set", () => {
  expect(() => createCuittyTrpcClient({ projectId: "prj_x", apiKey: "k", portalUrl: "" })).toThrow(/CUITTY_PORTAL_URL/);
});

it("narrows a refusal with one guard whose data is the router's own error data", async () => {
  expectTypeOf<NonNullable<TRPCClientError<AppRouter>["data"]>>().toEqualTypeOf<CuittyErrorData>();
  const admin = createCuittyTrpcClient({ portalUrl: server.url, projectId: server.projectId, apiKey: server.keys.admin });
  const error = await admin.environments.update
    .mutate({ environment: "production", healthChecks: 0, healthUrl: "nope" })
    .catch((e: unknown) => e);
  expect(isCuittyError(error)).toBe(true);
  expect(cuittyErrorOf(error)?.cuittyCode).toBe("VALIDATION_FAILED");
  expect(
    cuittyErrorOf(error)
      ?.issues?.map((i) => i.path)
      .sort(),
  ).toEqual(["healthChecks", "healthUrl"]);
  expect(isCuittyError(new Error("ECONNREFUSED"))).toBe(false);
});
