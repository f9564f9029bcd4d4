// Structured validation issues, sent as `data.issues` beside `data.fields` so clients never parse messages back.
import type { z } from "zod";

/** One refused input: the field's dotted path (as in `data.fields`), why, and zod's issue code (or "custom"). */
export interface ValidationIssue {
  path: string;
  message: string;
  code: string;
}

/** The issues of a zod error, e.g. [{ path: "events.3.status", message: "Invalid option…", code: "invalid_value" }]. */
export function zodIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message, code: i.code }));
}
