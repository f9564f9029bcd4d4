// Overview: one card per environment with what is live there, its health, the last failure and the last rollback.
import { useQuery } from "@tanstack/react-query";
import { POLL_MS } from "../poll.js";
import { EmptyState } from "../components/EmptyState.js";
import { EnvironmentCard } from "../components/EnvironmentCard.js";
import { ErrorNotice } from "../components/ErrorNotice.js";
import { LiveIndicator } from "../components/LiveIndicator.js";
import { useTRPC } from "../trpc.js";

export function OverviewPage({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const current = useQuery(trpc.deploys.current.queryOptions(undefined, { refetchInterval: POLL_MS }));
  const settings = useQuery(trpc.environments.list.queryOptions(undefined, { staleTime: 30_000 }));
  const checked = new Map(settings.data?.map((e) => [e.name, e.healthUrl != null]));

  if (current.isPending) return <p className="muted">Loading environments…</p>;
  if (current.isError && !current.data) {
    return <ErrorNotice error={current.error} what="Loading environments" onRetry={() => void current.refetch()} />;
  }
  const environments = current.data ?? [];
  return (
    <>
      <div className="page-head">
        <h1>Environments</h1>
        <LiveIndicator query={current} />
      </div>
      {current.isError ? <ErrorNotice error={current.error} what="Refreshing" /> : null}
      {environments.length === 0 ? (
        <EmptyState projectId={projectId} />
      ) : (
        <div className="cards">
          {environments.map((row) => (
            <EnvironmentCard
              key={row.environment}
              environment={row.environment}
              deploy={row.deploy}
              healthChecked={checked.get(row.environment)}
            />
          ))}
        </div>
      )}
    </>
  );
}
