// Validation refusals (VALIDATION_FAILED with data.issues) turned into one message per form field.
import { cuittyErrorOf } from "@cuitty/core";

/** The server says why each field was refused in `data.issues`; a field it names without a reason gets the whole message. */
export function fieldErrors(error: unknown): Record<string, string> {
  const data = cuittyErrorOf(error);
  if (data?.cuittyCode !== "VALIDATION_FAILED" || !data.fields) return {};
  const said = new Map((data.issues ?? []).map((issue) => [issue.path, issue.message]));
  const message = error instanceof Error ? error.message : String(error);
  return Object.fromEntries(data.fields.map((field) => [field, said.get(field) ?? message]));
}
