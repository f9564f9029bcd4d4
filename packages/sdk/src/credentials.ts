// The connection settings every SDK entry point takes: given, or from CUITTY_PORTAL_URL / _PROJECT_ID / _API_KEY.
import type { Credentials } from "@cuitty/core";
import { readEnv } from "./env.js";
import { CuittyClientError } from "./errors.js";

export interface CredentialOptions {
  /** Default: env CUITTY_PORTAL_URL. */
  portalUrl?: string;
  /** Default: env CUITTY_PROJECT_ID. */
  projectId?: string;
  /** Default: env CUITTY_API_KEY. */
  apiKey?: string;
}

/** `who` names the function in the error, e.g. "createCuittyClient". */
export function resolveCredentials(options: CredentialOptions, who: string): Credentials {
  const env = readEnv();
  const required = (name: string, value: string | undefined, variable: string): string => {
    if (!value) throw new CuittyClientError("CONFIG", `${who} needs ${name}: pass it or set ${variable}`);
    return value;
  };
  const portalUrl = required("portalUrl", options.portalUrl ?? env.portalUrl, "CUITTY_PORTAL_URL");
  const projectId = required("projectId", options.projectId ?? env.projectId, "CUITTY_PROJECT_ID");
  const apiKey = required("apiKey", options.apiKey ?? env.apiKey, "CUITTY_API_KEY");
  try {
    new URL(portalUrl);
  } catch {
    throw new CuittyClientError("CONFIG", `portalUrl "${portalUrl}" is not a URL (e.g. http://localhost:4400)`);
  }
  return { portalUrl, projectId, apiKey };
}
