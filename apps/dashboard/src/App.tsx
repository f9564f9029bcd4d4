// The shell: sign-in gate, the signed client and query cache, the header and the page for the route.
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { describeError } from "./errors.js";
import { Header } from "./components/Header.js";
import { ErrorNotice } from "./components/ErrorNotice.js";
import { DeployPage } from "./pages/DeployPage.js";
import { MetricsPage } from "./pages/MetricsPage.js";
import { OrgPage } from "./pages/OrgPage.js";
import { OverviewPage } from "./pages/OverviewPage.js";
import { SettingsPage } from "./pages/SettingsPage.js";
import { SignInPage } from "./pages/SignInPage.js";
import { TimelinePage } from "./pages/TimelinePage.js";
import { href, useRoute } from "./route.js";
import { type Session, clearSession, isOrgSession, loadSession, pageProject, saveSession } from "./session.js";
import { TRPCProvider, createClient, useTRPC } from "./trpc.js";

/**
 * A refused key and any other 4xx (NOT_FOUND, VALIDATION_FAILED…) will answer the same again: shown at once.
 * A network failure, a 5xx or a 429 gets two more tries.
 */
function shouldRetry(count: number, error: unknown): boolean {
  const problem = describeError(error);
  if (problem.auth) return false;
  if (problem.httpStatus !== undefined && problem.httpStatus >= 400 && problem.httpStatus < 500 && problem.httpStatus !== 429) return false;
  return count < 2;
}

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 1_000,
        refetchOnWindowFocus: true,
        retry: (count, error) => shouldRetry(count, error),
        // Short, so an outage is shown within a few seconds rather than after a long silent retry.
        retryDelay: (attempt) => Math.min(250 * 2 ** attempt, 1_000),
      },
    },
  });
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [notice, setNotice] = useState<string | null>(null);

  if (!session) {
    return (
      <SignInPage
        notice={notice}
        onSignedIn={(s) => {
          saveSession(s);
          setNotice(null);
          setSession(s);
        }}
      />
    );
  }
  return (
    <SignedIn
      // A new client and an empty cache per project: queries are keyed by procedure and input, not by project.
      key={`${session.projectId}:${session.apiKey}:${session.viewProject ?? ""}`}
      session={session}
      onSignOut={(message) => {
        clearSession();
        setNotice(message ?? null);
        setSession(null);
      }}
      onOpenProject={(projectId, target) => {
        // An organisation key walks into one project's pages: its calls are then signed with that project's id.
        const next = { ...session, viewProject: projectId };
        saveSession(next);
        window.location.hash = target;
        setSession(next);
      }}
    />
  );
}

type OpenProject = (projectId: string, target: string) => void;

function SignedIn({
  session,
  onSignOut,
  onOpenProject,
}: {
  session: Session;
  onSignOut(message?: string): void;
  onOpenProject: OpenProject;
}) {
  const queryClient = useMemo(makeQueryClient, []);
  const trpcClient = useMemo(() => createClient(session), [session]);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <Shell session={session} onSignOut={onSignOut} onOpenProject={onOpenProject} />
      </TRPCProvider>
    </QueryClientProvider>
  );
}

function Shell({ session, onSignOut, onOpenProject }: { session: Session; onSignOut(message?: string): void; onOpenProject: OpenProject }) {
  const trpc = useTRPC();
  const route = useRoute();
  const org = isOrgSession(session);
  const projectWhoami = useQuery({
    ...trpc.auth.whoami.queryOptions(undefined, { staleTime: 60_000, refetchInterval: 60_000 }),
    enabled: !org,
  });
  const orgWhoami = useQuery({ ...trpc.org.whoami.queryOptions(undefined, { staleTime: 60_000, refetchInterval: 60_000 }), enabled: org });
  const whoami = org ? orgWhoami : projectWhoami;
  const projectId = pageProject(session);

  const authProblem = whoami.error ? describeError(whoami.error, org ? "org" : session.projectId) : null;
  useEffect(() => {
    // The key was revoked or the project deleted since sign-in: back to the form, saying why.
    if (authProblem?.auth) onSignOut(authProblem.message);
  }, [authProblem?.auth, authProblem?.message, onSignOut]);
  if (authProblem?.auth) return null;
  const scope = whoami.data?.scope;
  // An organisation session shows the organisation until it walks into a project.
  if (route.page === "org" || projectId === undefined) {
    return (
      <>
        <Header projectId={projectId} org={org} scope={scope} onSignOut={() => onSignOut()} />
        <main className="page">
          {whoami.error ? <ErrorNotice error={whoami.error} what="Checking your key" /> : null}
          {org ? (
            <OrgPage
              environment={route.page === "org" ? route.environment : undefined}
              search={route.page === "org" ? route.search : undefined}
              open={onOpenProject}
            />
          ) : (
            <p className="notice">
              The organisation view needs an organisation key: sign in with project id <code>org</code>.
            </p>
          )}
        </main>
      </>
    );
  }
  return (
    <>
      <Header projectId={projectId} org={org} scope={scope} onSignOut={() => onSignOut()} />
      <main className="page">
        {whoami.error ? <ErrorNotice error={whoami.error} projectId={projectId} what="Checking your key" /> : null}
        {route.page === "overview" && <OverviewPage projectId={projectId} />}
        {route.page === "timeline" && (
          <TimelinePage
            environment={route.environment}
            status={route.status}
            branch={route.branch}
            admin={scope === "admin"}
            projectId={projectId}
          />
        )}
        {route.page === "deploy" && <DeployPage id={route.id} admin={scope === "admin"} />}
        {route.page === "metrics" && <MetricsPage environment={route.environment} range={route.range} bucket={route.bucket} />}
        {route.page === "settings" && (
          <SettingsPage environment={route.environment} admin={scope === "admin"} scopeKnown={scope !== undefined} />
        )}
        {route.page === "notFound" && (
          <section className="panel">
            <h1>Page not found</h1>
            <p>
              There is no page at <code>{route.path}</code>. <a href={href.overview()}>Back to the overview</a>.
            </p>
          </section>
        )}
      </main>
    </>
  );
}
