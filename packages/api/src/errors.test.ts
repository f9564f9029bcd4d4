import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CUITTY_CODES, CuittyError, HTTP_STATUS_BY_CODE, type CuittyCode } from "@cuitty/core";
import { classifyError, toTRPCError, withIssues } from "./errors.js";

describe("the error table", () => {
  for (const code of Object.keys(CUITTY_CODES) as CuittyCode[]) {
    it(`should send ${code} with HTTP ${HTTP_STATUS_BY_CODE[code]} and keep its code and message`, () => {
      const error = toTRPCError(new CuittyError(code, `because ${code}`, { fields: ["a.b"] }));
      expect(getHTTPStatusCodeFromError(error)).toBe(HTTP_STATUS_BY_CODE[code]);
      expect(classifyError(error)).toEqual({ cuittyCode: code, message: `because ${code}`, details: { fields: ["a.b"] } });
    });
  }

  it("should turn a zod error into VALIDATION_FAILED with the field paths", () => {
    const parsed = z.strictObject({ events: z.array(z.strictObject({ status: z.string() })) }).safeParse({ events: [{ status: 5 }] });
    const error = new TRPCError({ code: "BAD_REQUEST", cause: parsed.error });
    const classified = classifyError(error);
    expect(classified.cuittyCode).toBe("VALIDATION_FAILED");
    expect(classified.details.fields).toEqual(["events.0.status"]);
  });

  it("should never pass an unexpected error's message on", () => {
    const error = new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: new Error("SQLITE_CORRUPT at /var/lib/secret.db") });
    const classified = classifyError(error);
    expect(classified.cuittyCode).toBe("INTERNAL");
    expect(classified.message).not.toContain("SQLITE");
  });
});

describe("structured issues", () => {
  it("should give each zod issue its path, message and code", () => {
    const parsed = z
      .strictObject({ healthChecks: z.number().min(1), healthUrl: z.url() })
      .safeParse({ healthChecks: 0, healthUrl: "nope" });
    const classified = classifyError(new TRPCError({ code: "BAD_REQUEST", cause: parsed.error }));
    expect(classified.details.issues).toEqual([
      { path: "healthChecks", message: expect.stringContaining(">=1"), code: "too_small" },
      { path: "healthUrl", message: "Invalid URL", code: "invalid_format" },
    ]);
  });

  it("should give each named field the whole message when a refusal says no reason per field", () => {
    const classified = classifyError(
      toTRPCError(new CuittyError("VALIDATION_FAILED", "cursor is not one this server issued", { fields: ["cursor"] })),
    );
    expect(withIssues(classified).issues).toEqual([{ path: "cursor", message: "cursor is not one this server issued", code: "custom" }]);
  });
});
