// The top bar: product name, the pages, project, the key's scope and sign-out.
import { href } from "../route.js";
import type { Scope } from "../trpc.js";

export function Header(props: { projectId: string | undefined; org: boolean; scope: Scope | undefined; onSignOut(): void }) {
  const { projectId, org, scope, onSignOut } = props;
  return (
    <header className="topbar">
      <a className="brand" href={href.overview()}>
        <span className="brand-dot" aria-hidden="true" />
        Cuitty Deploys
      </a>
      <nav className="topnav" aria-label="Pages">
        {org ? <a href={href.org()}>Organisation</a> : null}
        {projectId ? (
          <>
            <a href={href.overview()}>Environments</a>
            <a href={href.metrics()}>Metrics</a>
            <a href={href.settings()}>Settings</a>
          </>
        ) : null}
      </nav>
      <span className="topbar-meta">
        <span className="project" title={org ? "Organisation key; the project whose pages are open" : "Project id"}>
          {org ? `organisation${projectId ? ` › ${projectId}` : ""}` : projectId}
        </span>
        {scope ? (
          <span className={`scope scope-${scope}`} data-testid="scope">
            {org ? "org " : ""}
            {scope} key
          </span>
        ) : null}
        <button type="button" className="linkish" onClick={onSignOut}>
          Sign out
        </button>
      </span>
    </header>
  );
}
