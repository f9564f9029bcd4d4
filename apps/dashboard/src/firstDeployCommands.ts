// The two ways to send a project's first deploy (signed cURL, or the CLI), shown by the empty state and run by the e2e tests.

/** The commands, filled in for this portal, project and environment. */
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
