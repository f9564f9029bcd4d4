// The services × environments matrix of org.overview: each cell what is live, its health, what moves, what broke.
import { formatAgo } from "../../format.js";
import { href } from "../../route.js";
import type { Outputs } from "../../trpc.js";

type Overview = Outputs["org"]["overview"];
type Service = Overview["services"][number];
type Cell = Service["cells"][number];

export type OpenProject = (projectId: string, target: string) => void;

const ATTENTION_LABEL: Record<Cell["attention"], string> = {
  broken: "broken",
  failed_recently: "failed in 24 h",
  in_flight: "deploying",
  steady: "steady",
  no_deploy: "nothing live",
};

/** A link into one project's pages: the dashboard switches the project header first. */
function ProjectLink({
  projectId,
  target,
  open,
  children,
  testId,
}: {
  projectId: string;
  target: string;
  open: OpenProject;
  children: React.ReactNode;
  testId?: string;
}) {
  return (
    <a
      href={target}
      data-testid={testId}
      onClick={(e) => {
        e.preventDefault();
        open(projectId, target);
      }}
    >
      {children}
    </a>
  );
}

function MatrixCell({ service, cell, open }: { service: Service; cell: Cell | undefined; open: OpenProject }) {
  if (!cell) return <td className="org-cell org-cell-none muted">—</td>;
  const { current, inFlight, lastFailure, lastRollback } = cell;
  return (
    <td
      className={`org-cell org-${cell.attention}`}
      data-testid={`cell-${service.service}-${cell.environment}`}
      data-attention={cell.attention}
    >
      {current ? (
        <div>
          <ProjectLink projectId={service.projectId} target={href.deploy(current.id)} open={open} testId="cell-current">
            <strong>{current.title}</strong>
          </ProjectLink>{" "}
          {current.markedBad ? <span className="badge bad-badge">marked bad</span> : null}
          {current.healthStatus !== "unknown" ? (
            <span className={`badge health-${current.healthStatus}`}>{current.healthStatus}</span>
          ) : null}
          <div className="small muted">live since {formatAgo(current.liveSince)}</div>
        </div>
      ) : (
        <div className="muted">nothing live</div>
      )}
      {inFlight ? (
        <div className="small">
          <span className={`badge status-${inFlight.status}`}>{inFlight.status}</span>{" "}
          <ProjectLink projectId={service.projectId} target={href.deploy(inFlight.id)} open={open}>
            {inFlight.title}
          </ProjectLink>
        </div>
      ) : null}
      {lastFailure ? (
        <div className="small org-trouble">
          ✕{" "}
          <ProjectLink projectId={service.projectId} target={href.deploy(lastFailure.deployId)} open={open}>
            {lastFailure.title}
          </ProjectLink>{" "}
          failed {formatAgo(lastFailure.at)}
        </div>
      ) : null}
      {lastRollback ? (
        <div className="small org-trouble">
          ↩{" "}
          <ProjectLink projectId={service.projectId} target={href.deploy(lastRollback.deployId)} open={open}>
            {lastRollback.title}
          </ProjectLink>{" "}
          rolled back {formatAgo(lastRollback.at)}
        </div>
      ) : null}
      <div className="small">
        <ProjectLink projectId={service.projectId} target={href.timeline(cell.environment)} open={open}>
          timeline
        </ProjectLink>
      </div>
    </td>
  );
}

export function OrgMatrix({ overview, open }: { overview: Overview; open: OpenProject }) {
  if (overview.services.length === 0) return <p className="muted">No service matches.</p>;
  return (
    <div className="table-scroll">
      <table className="phases org-matrix" aria-label="Services and environments">
        <thead>
          <tr>
            <th>Service</th>
            {overview.environments.map((e) => (
              <th key={e}>{e}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {overview.services.map((s) => {
            const byEnv = new Map(s.cells.map((c) => [c.environment, c]));
            return (
              <tr key={s.projectId} data-testid="org-service" data-attention={s.attention}>
                <th scope="row">
                  <ProjectLink projectId={s.projectId} target={href.overview()} open={open}>
                    {s.service}
                  </ProjectLink>
                  <div className={`small org-${s.attention}-text`}>{ATTENTION_LABEL[s.attention]}</div>
                </th>
                {overview.environments.map((e) => (
                  <MatrixCell key={e} service={s} cell={byEnv.get(e)} open={open} />
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {overview.total > overview.services.length ? (
        <p className="small muted">
          {overview.services.length} of {overview.total} services shown; narrow the search to see the rest.
        </p>
      ) : null}
    </div>
  );
}
