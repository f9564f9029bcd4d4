// The organisation view (organisation keys): every service × environment trouble first, filters by environment
// and service name, the activity feed across services, and DORA across services.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ErrorNotice } from "../components/ErrorNotice.js";
import { LiveIndicator } from "../components/LiveIndicator.js";
import { OrgActivity } from "../components/org/OrgActivity.js";
import { OrgDoraTable } from "../components/org/OrgDoraTable.js";
import { type OpenProject, OrgMatrix } from "../components/org/OrgMatrix.js";
import { POLL_MS } from "../poll.js";
import { href } from "../route.js";
import { useTRPC } from "../trpc.js";

export function OrgPage(props: { environment?: string; search?: string; open: OpenProject }) {
  const trpc = useTRPC();
  const [environment, setEnvironment] = useState(props.environment ?? "");
  const [search, setSearch] = useState(props.search ?? "");
  const filters = { environment: environment || undefined, search: search.trim() || undefined };
  // The filters live in the address, so a link shares the view (replaceState: no history entry per keystroke).
  const { environment: envFilter, search: searchFilter } = filters;
  useEffect(() => {
    window.history.replaceState(null, "", href.org({ environment: envFilter, search: searchFilter }));
  }, [envFilter, searchFilter]);
  const overview = useQuery(trpc.org.overview.queryOptions(filters, { refetchInterval: POLL_MS, placeholderData: (previous) => previous }));
  // Every environment name of the organisation, for the filter (the columns of an unfiltered overview).
  const all = useQuery(trpc.org.overview.queryOptions({ limit: 1 }, { staleTime: 30_000 }));
  const names = all.data?.environments ?? [];

  return (
    <>
      <div className="page-head">
        <h1>Organisation</h1>
        <LiveIndicator query={overview} />
      </div>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Environment{" "}
          <select value={environment} onChange={(e) => setEnvironment(e.target.value)} aria-label="Environment">
            <option value="">all</option>
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <label>
          Service{" "}
          <input
            type="search"
            value={search}
            placeholder="search services"
            onChange={(e) => setSearch(e.target.value)}
            aria-label="Search services"
          />
        </label>
      </form>
      {overview.isError ? <ErrorNotice error={overview.error} what="Loading the services" onRetry={() => void overview.refetch()} /> : null}
      {overview.data ? (
        <OrgMatrix overview={overview.data} open={props.open} />
      ) : overview.isPending ? (
        <p className="muted">Loading services…</p>
      ) : null}
      <div className="panels org-panels">
        <OrgActivity environment={filters.environment} search={filters.search} open={props.open} />
        <OrgDoraTable environments={names} open={props.open} />
      </div>
    </>
  );
}
