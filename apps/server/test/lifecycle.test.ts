// The lifecycle table of docs/design.md §2, every pair, through the wire; and random sequences against the model.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployStatus, STATUSES, decideTransition } from "@cuitty/core";
import { type TestServer, startTestServer } from "../src/testing.js";
import { deployIn, emit, event, rowCounts, uniq } from "./helpers.js";
import table from "@cuitty/core/lifecycle-table.json" with { type: "json" };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

// docs/design.md §2 row by row, shared with every test of the table.
const TABLE: Record<string, string[]> = table.rows;

describe("the lifecycle table through the wire", () => {
  for (const [from, row] of Object.entries(TABLE)) {
    STATUSES.forEach((to, i) => {
      it(`${from} → ${to} is "${row[i]}"`, async () => {
        let key = uniq("new");
        let beforeStatus: string | null = null;
        if (from !== "new") {
          const id = await deployIn(server, from as DeployStatus);
          const got = await server.request("deploys.get", { input: { id }, key: server.keys.read });
          key = got.body.result.data.externalKey;
          beforeStatus = got.body.result.data.status;
          expect(beforeStatus).toBe(from);
        } else if (to === "live" || to === "rolled_back") {
          await deployIn(server, "live"); // gives rolled_back a possible target
        }
        const before = await rowCounts(server);
        const res = await emit(server, event(key, to));
        const after = await rowCounts(server);
        if (row[i] === "no") {
          expect(res.status).toBe(409);
          expect(res.body.error.data.cuittyCode).toBe("INVALID_TRANSITION");
          expect(res.body.error.message).toContain(to);
          if (from !== "new") expect(res.body.error.message).toContain(from);
          expect(after).toEqual(before);
        } else if (row[i] === "same") {
          expect(res.status).toBe(200);
          expect(res.body.result.data.changed).toBe(false);
          expect(after).toEqual(before);
        } else {
          expect(res.status).toBe(200);
          expect(res.body.result.data.changed).toBe(true);
          expect(res.body.result.data.deploy.status).toBe(to);
          expect(after.events).toBe(before.events + 1);
          if (to === "live" || to === "failed") {
            expect(res.body.result.data.deploy.completedAt).toBeTypeOf("number");
            expect(res.body.result.data.deploy.durationSeconds).toBeGreaterThanOrEqual(0);
          }
          if (to === "rolled_back") expect(res.body.result.data.deploy.rollbackTargetId).toBeTypeOf("number");
        }
      });
    });
  }
});

describe("random event sequences", () => {
  it("should never reach a state the table forbids, and repeating an event changes nothing", async () => {
    await deployIn(server, "live", "prop"); // a rollback target in the property's environment
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...STATUSES), { minLength: 1, maxLength: 8 }), async (statuses) => {
        const key = uniq("prop");
        let model: DeployStatus | null = null;
        for (const [n, to] of statuses.entries()) {
          const input = event(key, to, { environment: "prop", id: `${key}:${n}` });
          const res = await emit(server, input);
          const decision = decideTransition(model, to);
          if (decision.kind === "refuse") {
            expect(res.body.error?.data.cuittyCode).toBe("INVALID_TRANSITION");
            continue;
          }
          expect(res.status).toBe(200);
          expect(res.body.result.data.changed).toBe(decision.kind !== "same");
          model = to;
          expect(res.body.result.data.deploy.status).toBe(model);
          const again = await emit(server, input);
          expect(again.body.result.data.changed).toBe(false);
          expect(again.body.result.data.deploy.status).toBe(model);
        }
        if (model === null) return;
        const list = await server.request("deploys.list", { input: { environment: "prop", limit: 200 }, key: server.keys.read });
        const mine = list.body.result.data.items.find((d) => d.externalKey === key);
        expect(mine!.status).toBe(model);
        const detail = await server.request("deploys.get", { input: { id: mine!.id }, key: server.keys.read });
        // Every recorded event is an allowed transition, chained from nothing to the final state.
        let state: DeployStatus | null = null;
        for (const e of detail.body.result.data.events) {
          expect(e.fromStatus).toBe(state);
          expect(decideTransition(state, e.toStatus).kind).not.toBe("refuse");
          state = e.toStatus;
        }
        expect(state).toBe(model);
      }),
      { numRuns: 40 },
    );
  });
});
