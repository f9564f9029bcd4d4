// DORA across services (org.dora): the organisation's four figures and each service's, with bands, sortable
// worst first so the services that drag the figures stand out.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ORG_DORA_SORTS } from "@cuitty/core";
import { formatPercent, formatSpan } from "../../format.js";
import { href } from "../../route.js";
import { rangeBounds } from "../../pages/MetricsPage.js";
import { type Outputs, useTRPC } from "../../trpc.js";
import { perDay } from "../DoraFigures.js";
import { ErrorNotice } from "../ErrorNotice.js";
import type { OpenProject } from "./OrgMatrix.js";

type OrgDora = Outputs["org"]["dora"];
type Sort = (typeof ORG_DORA_SORTS)[number];
type Band = OrgDora["org"]["bands"]["leadTime"];

const COLUMNS: { sort: Sort; label: string }[] = [
  { sort: "service", label: "Service" },
  { sort: "deploymentFrequency", label: "Deploys" },
  { sort: "leadTime", label: "Lead time" },
  { sort: "changeFailureRate", label: "Change failure rate" },
  { sort: "timeToRestore", label: "Time to restore" },
];

function Figure({ text, band }: { text: string; band: Band }) {
  return (
    <>
      {text} {band ? <span className={`badge band-${band}`}>{band}</span> : null}
    </>
  );
}

export function OrgDoraTable({ environments, open }: { environments: string[]; open: OpenProject }) {
  const trpc = useTRPC();
  const [picked, setPicked] = useState<string | undefined>();
  const [sort, setSort] = useState<Sort>("service");
  const environment = picked ?? (environments.includes("production") ? "production" : environments[0]);
  const { from, to } = rangeBounds("30d", Date.now());
  const dora = useQuery({
    ...trpc.org.dora.queryOptions({ environment: environment ?? "production", from, to, sort }, { refetchInterval: 30_000 }),
    enabled: environment !== undefined,
  });
  if (!environment) return null;
  const d = dora.data;
  return (
    <section className="panel" aria-label="DORA across services">
      <div className="page-head">
        <h2>DORA across services, last 30 days</h2>
        <label>
          Environment{" "}
          <select value={environment} onChange={(e) => setPicked(e.target.value)} aria-label="DORA environment">
            {environments.map((e) => (
              <option key={e}>{e}</option>
            ))}
          </select>
        </label>
      </div>
      {dora.isError ? <ErrorNotice error={dora.error} what="Loading DORA figures" /> : null}
      {d ? (
        <div className="table-scroll">
          <table className="phases" data-testid="org-dora">
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th key={c.sort} aria-sort={sort === c.sort ? (c.sort === "service" ? "ascending" : "descending") : undefined}>
                    <button
                      type="button"
                      className="linkish"
                      onClick={() => setSort(c.sort)}
                      title={c.sort === "service" ? "by name" : "worst first"}
                    >
                      {c.label}
                      {sort === c.sort ? " ▾" : ""}
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr className="org-dora-total" data-testid="org-dora-total">
                <th scope="row">All {d.org.services} services</th>
                <td>
                  <Figure
                    text={`${d.org.deploymentFrequency.count} (${perDay(d.org.deploymentFrequency.perServicePerDay)} each)`}
                    band={d.org.bands.deploymentFrequency}
                  />
                </td>
                <td>
                  <Figure text={formatSpan(d.org.leadTime.medianSeconds)} band={d.org.bands.leadTime} />
                </td>
                <td>
                  <Figure text={formatPercent(d.org.changeFailureRate.rate)} band={d.org.bands.changeFailureRate} />
                </td>
                <td>
                  <Figure text={formatSpan(d.org.timeToRestore.medianSeconds)} band={d.org.bands.timeToRestore} />
                </td>
              </tr>
              {d.services.map((s) => (
                <tr key={s.projectId} data-testid="org-dora-service">
                  <th scope="row">
                    <a
                      href={href.metrics(environment)}
                      onClick={(e) => {
                        e.preventDefault();
                        open(s.projectId, href.metrics(environment));
                      }}
                    >
                      {s.service}
                    </a>
                  </th>
                  <td>
                    <Figure
                      text={`${s.deploymentFrequency.count} (${perDay(s.deploymentFrequency.perDay)})`}
                      band={s.bands.deploymentFrequency}
                    />
                  </td>
                  <td>
                    <Figure text={formatSpan(s.leadTime.medianSeconds)} band={s.bands.leadTime} />
                  </td>
                  <td>
                    <Figure text={formatPercent(s.changeFailureRate.rate)} band={s.bands.changeFailureRate} />
                  </td>
                  <td>
                    <Figure text={formatSpan(s.timeToRestore.medianSeconds)} band={s.bands.timeToRestore} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">Loading DORA figures…</p>
      )}
    </section>
  );
}
