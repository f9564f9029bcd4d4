// An environment's history, newest first, in cursor pages: filters, rollback arrows, live refresh of the first pages.
import { STATUSES } from "@cuitty/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { type FormEvent, useMemo, useState } from "react";
import { EmptyState } from "../components/EmptyState.js";
import { ErrorNotice } from "../components/ErrorNotice.js";
import { LiveIndicator } from "../components/LiveIndicator.js";
import { TimelineRow } from "../components/TimelineRow.js";
import { describeError } from "../errors.js";
import { POLL_MS } from "../poll.js";
import { href } from "../route.js";
import { MAX_LANES, layoutRollbackLinks, segmentsForRow } from "../rollbackLinks.js";
import { type TimelineDeploy, useTRPC, useTRPCClient } from "../trpc.js";

const PAGE_SIZE = 50;
const NONE: TimelineDeploy[] = [];
/** Past this many pages, polling would re-read all of them every few seconds: live updates pause instead. */
const LIVE_PAGES = 4;

export function TimelinePage(props: { environment: string; status?: string; branch?: string; admin: boolean; projectId: string }) {
  const { environment, admin } = props;
  const status = (STATUSES as readonly string[]).includes(props.status ?? "") ? (props.status as (typeof STATUSES)[number]) : undefined;
  const branch = props.branch?.trim() || undefined;
  const trpc = useTRPC();
  const client = useTRPCClient();
  const input = { environment, status, branch, limit: PAGE_SIZE };
  // Not trpc...infiniteQueryOptions(): it adds `direction` to the input, which the server's strict schema refuses.
  const timeline = useInfiniteQuery({
    queryKey: [...trpc.deploys.timeline.queryKey(input), "pages"],
    queryFn: ({ pageParam, signal }) => client.deploys.timeline.query({ ...input, cursor: pageParam ?? undefined }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: (query) => ((query.state.data?.pages.length ?? 0) <= LIVE_PAGES ? POLL_MS : false),
  });
  const items = useMemo(() => timeline.data?.pages.flatMap((p) => p.items) ?? [], [timeline.data]);
  const links = useMemo(() => layoutRollbackLinks(items), [items]);
  const byId = useMemo(() => new Map(items.map((d) => [d.id, d])), [items]);
  const rolledBackBy = useMemo(() => {
    const out = new Map<number, TimelineDeploy[]>();
    for (const d of items) {
      if (d.status !== "rolled_back" || d.rollbackTargetId == null) continue;
      out.set(d.rollbackTargetId, [...(out.get(d.rollbackTargetId) ?? []), d]);
    }
    return out;
  }, [items]);
  const lanes = Math.min(MAX_LANES, Math.max(1, ...links.map((l) => l.lane + 1)));
  const paused = (timeline.data?.pages.length ?? 0) > LIVE_PAGES;
  const filtered = Boolean(status || branch);

  return (
    <>
      <nav className="crumbs">
        <a href={href.overview()}>Environments</a> / <span>{environment}</span>
      </nav>
      <div className="page-head">
        <h1>{environment}</h1>
        <LiveIndicator query={timeline} paused={paused} />
      </div>
      <Filters environment={environment} status={status} branch={branch} />
      {timeline.isPending ? <p className="muted">Loading the timeline…</p> : null}
      {timeline.isError ? (
        describeError(timeline.error).code === "NOT_FOUND" && !filtered ? (
          <EnvironmentMissing environment={environment} projectId={props.projectId} />
        ) : (
          <ErrorNotice error={timeline.error} what="Loading the timeline" onRetry={() => void timeline.refetch()} />
        )
      ) : null}
      {timeline.isSuccess && items.length === 0 ? (
        <p className="panel muted" data-testid="timeline-empty">
          {filtered ? "No deploys match these filters." : "No deploys in this environment yet."}
        </p>
      ) : null}
      {items.length > 0 ? (
        <ol className="timeline" data-testid="timeline" style={{ ["--lanes" as string]: lanes }}>
          {items.map((d, i) => (
            <TimelineRow
              key={d.id}
              deploy={d}
              segments={segmentsForRow(links, i, lanes)}
              target={d.rollbackTargetId != null ? byId.get(d.rollbackTargetId) : undefined}
              rolledBackBy={rolledBackBy.get(d.id) ?? NONE}
              admin={admin}
            />
          ))}
        </ol>
      ) : null}
      <div className="more">
        {timeline.hasNextPage ? (
          <button type="button" onClick={() => void timeline.fetchNextPage()} disabled={timeline.isFetchingNextPage}>
            {timeline.isFetchingNextPage ? "Loading…" : `Load ${PAGE_SIZE} older deploys`}
          </button>
        ) : items.length > 0 ? (
          <span className="muted small">Beginning of history · {items.length} deploys</span>
        ) : null}
        {paused ? (
          <span className="muted small">
            {" "}
            Live updates pause after {LIVE_PAGES} pages.{" "}
            <button type="button" className="linkish" onClick={() => void timeline.refetch()}>
              Refresh now
            </button>
          </span>
        ) : null}
      </div>
    </>
  );
}

function Filters({ environment, status, branch }: { environment: string; status?: string; branch?: string }) {
  const [branchText, setBranchText] = useState(branch ?? "");
  const go = (next: { status?: string; branch?: string }) => {
    window.location.hash = href.timeline(environment, next);
  };
  return (
    <form
      className="filters"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        go({ status, branch: branchText.trim() });
      }}
    >
      <label>
        Status
        <select name="status" value={status ?? ""} onChange={(e) => go({ status: e.target.value, branch })}>
          <option value="">all</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace("_", " ")}
            </option>
          ))}
        </select>
      </label>
      <label>
        Branch
        <input name="branch" value={branchText} placeholder="any" onChange={(e) => setBranchText(e.target.value)} />
      </label>
      <button type="submit">Filter</button>
      {status || branch ? (
        <a href={href.timeline(environment)} onClick={() => setBranchText("")} className="small">
          Clear filters
        </a>
      ) : null}
    </form>
  );
}

function EnvironmentMissing({ environment, projectId }: { environment: string; projectId: string }) {
  return (
    <>
      <p className="notice" data-testid="environment-not-found">
        There is no environment named <strong>{environment}</strong> in this project yet; it appears with its first deploy.{" "}
        <a href={href.overview()}>See the environments there are</a>.
      </p>
      <EmptyState projectId={projectId} environment={environment} />
    </>
  );
}
