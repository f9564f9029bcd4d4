import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canTransition, decideTransition } from "./lifecycle.js";
import { type DeployStatus, STATUSES } from "./status.js";
import table from "../test-vectors/lifecycle-table.json" with { type: "json" };

// docs/design.md §2 row by row, shared with every test of the table.
const TABLE: Record<string, string[]> = table.rows;

describe("decideTransition", () => {
  it("should read the shared table's targets in lifecycle order", () => {
    expect(table.targets).toEqual([...STATUSES]);
  });

  for (const [fromName, row] of Object.entries(TABLE)) {
    const from = fromName === "new" ? null : (fromName as DeployStatus);
    STATUSES.forEach((to, i) => {
      it(`${fromName} → ${to} is "${row[i]}"`, () => {
        const kind = decideTransition(from, to).kind;
        const expected = row[i] === "no" ? "refuse" : row[i] === "same" ? "same" : from === null ? "create" : "advance";
        expect(kind).toBe(expected);
      });
    });
  }

  it("should never let a random sequence reach a state the table forbids, and repeats change nothing", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...STATUSES), { maxLength: 30 }), (events) => {
        let state: DeployStatus | null = null;
        for (const to of events) {
          const d = decideTransition(state, to);
          if (d.kind === "refuse") continue;
          const before = state;
          state = to;
          expect(canTransition(before, to)).toBe(true);
          // Repeating the event that was just applied is a no-op.
          expect(decideTransition(state, to).kind).toBe("same");
        }
        if (state === "rolled_back") expect(events).toContain("rolled_back");
      }),
      { numRuns: 500 },
    );
  });
});
