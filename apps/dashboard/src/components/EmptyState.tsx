// What a new project sees: how to send its first deploy, with cURL (signed with openssl) or the CLI.
import { firstDeployCommands } from "../firstDeployCommands.js";
import { portalUrl } from "../trpc.js";

export function EmptyState({ projectId, environment }: { projectId: string; environment?: string }) {
  const { curl, cli } = firstDeployCommands(portalUrl(), projectId, environment);
  return (
    <section className="panel empty" data-testid="empty-state">
      <h1>No deploys yet</h1>
      <p>
        Send this project's first deploy event and it appears here within a few seconds. Make an ingest key for CI with{" "}
        <code>cuitty keys create --project {projectId} --scope ingest</code>.
      </p>
      <h2>With cURL</h2>
      <pre className="code">{curl}</pre>
      <h2>With the CLI, in a CI job</h2>
      <pre className="code">{cli}</pre>
    </section>
  );
}
