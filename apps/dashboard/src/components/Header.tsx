// The top bar: product name, the pages, project, the key's scope and sign-out.
import { href } from "../route.js";
import type { Scope } from "../trpc.js";

export function Header({ projectId, scope, onSignOut }: { projectId: string; scope: Scope | undefined; onSignOut(): void }) {
  return (
    <header className="topbar">
      <a className="brand" href={href.overview()}>
        <span className="brand-dot" aria-hidden="true" />
        Cuitty Deploys
      </a>
      <nav className="topnav" aria-label="Pages">
        <a href={href.overview()}>Environments</a>
        <a href={href.metrics()}>Metrics</a>
        <a href={href.settings()}>Settings</a>
      </nav>
      <span className="topbar-meta">
        <span className="project" title="Project id">
          {projectId}
        </span>
        {scope ? (
          <span className={`scope scope-${scope}`} data-testid="scope">
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
