// The typed tRPC client: every request signed in the browser with the session's key (docs/design.md §4).
import { createTRPCClient, httpBatchLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@cuitty/api";
import { MAX_CALLS_PER_REQUEST, ORG_PROJECT, createSigningFetch } from "@cuitty/core";
import { type Session, isOrgSession } from "./session.js";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type Outputs = inferRouterOutputs<AppRouter>;
export type Deploy = Outputs["deploys"]["list"]["items"][number];
export type DeployDetail = Outputs["deploys"]["get"];
export type TimelineDeploy = Outputs["deploys"]["timeline"]["items"][number];
export type Scope = Outputs["auth"]["whoami"]["scope"];

/** The portal is where the dashboard is served from (a proxy prefix is kept, so signatures stay valid). */
export function portalUrl(): string {
  return window.location.origin + window.location.pathname.replace(/\/[^/]*$/, "");
}

function batchLink(url: string, projectId: string, apiKey: string) {
  return httpBatchLink({
    url: `${url}/trpc`,
    maxURLLength: 4000,
    // The server refuses larger batches (BATCH_TOO_LARGE); the link splits before that.
    maxItems: MAX_CALLS_PER_REQUEST,
    fetch: createSigningFetch({ portalUrl: url, projectId, apiKey }),
  });
}

/**
 * With an organisation key, org.* calls are signed with the project header `org` and every other call with the
 * project whose pages are open, in separate requests (a batch carries one header).
 */
export function createClient(session: Session) {
  const url = portalUrl();
  if (!isOrgSession(session)) return createTRPCClient<AppRouter>({ links: [batchLink(url, session.projectId, session.apiKey)] });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.path.startsWith("org."),
        true: batchLink(url, ORG_PROJECT, session.apiKey),
        false: batchLink(url, session.viewProject ?? ORG_PROJECT, session.apiKey),
      }),
    ],
  });
}
