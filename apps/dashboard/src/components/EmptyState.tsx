// What a new project sees: how to send its first deploy, with cURL (signed with openssl) or the CLI.
import { portalUrl } from "../trpc.js";

export function firstDeployCommands(portal: string, projectId: string, environment = "production") {
  const curl = [
    `PORTAL=${portal} PROJECT=${projectId} KEY=<an ingest or admin key>`,
    `BODY='{"type":"deploy","deploy":"first-deploy","status":"live","environment":${JSON.stringify(environment)},"version":"v0.1.0"}'`,
    `TS=$(date +%s)`,
    `SIG=$(printf '%s\\n%s\\n%s\\n%s' "$TS" POST /trpc/deploys.emit "$BODY" | openssl dgst -sha256 -hmac "$KEY" | sed 's/^.* //')`,
    `curl -sS "$PORTAL/trpc/deploys.emit" -H 'content-type: application/json' \\`,
    `  -H "x-cuitty-project: $PROJECT" -H "x-cuitty-timestamp: $TS" -H "x-cuitty-signature: v1=$SIG" -d "$BODY"`,
  ].join("\n");
  const cli = [
    `export CUITTY_PORTAL_URL=${portal} CUITTY_PROJECT_ID=${projectId} CUITTY_API_KEY=<an ingest or admin key>`,
    `cuitty deploy run --env ${environment} -- ./deploy.sh   # reports deploying, then live or failed`,
  ].join("\n");
  return { curl, cli };
}

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
