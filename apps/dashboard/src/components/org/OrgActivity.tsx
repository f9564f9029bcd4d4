// Every transition of every service, newest first (org.activity), polled like the timeline; older pages on demand.
import { useInfiniteQuery } from "@tanstack/react-query";
import { formatAgo, formatTime } from "../../format.js";
import { POLL_MS } from "../../poll.js";
import { href } from "../../route.js";
import { useTRPC, useTRPCClient } from "../../trpc.js";
import { ErrorNotice } from "../ErrorNotice.js";
import { LiveIndicator } from "../LiveIndicator.js";
import { StatusBadge } from "../StatusBadge.js";
import type { OpenProject } from "./OrgMatrix.js";

const PAGE_SIZE = 30;
/** Polling stops once older pages are open, so browsing history stays cheap (as the timeline does). */
const LIVE_PAGES = 2;

export function OrgActivity({ environment, search, open }: { environment?: string; search?: string; open: OpenProject }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const input = { environment, search, limit: PAGE_SIZE };
  const feed = useInfiniteQuery({
    queryKey: [...trpc.org.activity.queryKey(input), "pages"],
    queryFn: ({ pageParam, signal }) => client.org.activity.query({ ...input, cursor: pageParam ?? undefined }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: (query) => ((query.state.data?.pages.length ?? 0) <= LIVE_PAGES ? POLL_MS : false),
  });
  const items = feed.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="panel" aria-label="Activity">
      <div className="page-head">
        <h2>Activity</h2>
        <LiveIndicator query={feed} />
      </div>
      {feed.isError ? <ErrorNotice error={feed.error} what="Loading activity" /> : null}
      {feed.isPending ? <p className="muted">Loading activity…</p> : null}
      {!feed.isPending && items.length === 0 ? <p className="muted">No transitions yet.</p> : null}
      <ol className="org-feed" data-testid="org-feed">
        {items.map((e) => (
          <li key={e.id} data-testid="org-event">
            <span className="muted small" title={formatTime(e.occurredAt)}>
              {formatAgo(e.occurredAt)}
            </span>{" "}
            <strong>{e.service}</strong> <span className="muted">{e.environment}</span>{" "}
            <a
              href={href.deploy(e.deployId)}
              onClick={(ev) => {
                ev.preventDefault();
                open(e.projectId, href.deploy(e.deployId));
              }}
            >
              {e.title}
            </a>{" "}
            {e.from ? <span className="muted small">{e.from} →</span> : null} <StatusBadge status={e.to} />
            {e.reason ? <span className="small muted"> {e.reason}</span> : null}
            {e.actorName ? <span className="small muted"> by {e.actorName}</span> : null}
          </li>
        ))}
      </ol>
      {feed.hasNextPage ? (
        <button type="button" onClick={() => void feed.fetchNextPage()} disabled={feed.isFetchingNextPage}>
          {feed.isFetchingNextPage ? "Loading…" : "Older transitions"}
        </button>
      ) : null}
    </section>
  );
}
