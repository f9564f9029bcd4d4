// `cuitty deploys`: recent deploys, newest first, filtered by environment, status or branch.
import type { Command } from "@commander-js/extra-typings";
import { call } from "../apiErrors.js";
import { createApiClient } from "../client.js";
import { resolveConnection } from "../config.js";
import { DEPLOY_HEADERS, deployRow } from "../deployFormat.js";
import { info, printJson, table } from "../output.js";
import { parsePositiveInt } from "./parse.js";
import { addConnectionOptions, parseEnvironment, parseStatus, withConnectionHelp } from "./deployOptions.js";

/** The server's page size ceiling (docs/design.md §5 list limit). */
const MAX_LIMIT = 200;

function parseLimit(value: string): number {
  return Math.min(parsePositiveInt(value), MAX_LIMIT);
}

export function registerDeployList(program: Command): void {
  const list = addConnectionOptions(
    program
      .command("deploys")
      .description("list recent deploys, newest first (needs a read key)")
      .option("-e, --env <name>", "only this environment", parseEnvironment)
      .option("-s, --status <status>", "only this status: initiated, building, deploying, live, failed, rolled_back", parseStatus)
      .option("-b, --branch <name>", "only this branch")
      .option("-n, --limit <n>", `at most this many (1-${MAX_LIMIT})`, parseLimit, 20),
  );
  withConnectionHelp(list, [
    "cuitty deploys",
    "cuitty deploys --env production --status failed --limit 5",
    "cuitty deploys --branch main --json | jq '.items[].id'",
  ]);
  list.action(async (flags) => {
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const page = await call(conn, () =>
      client.deploys.list.query({ environment: flags.env, status: flags.status, branch: flags.branch, limit: flags.limit }),
    );
    if (flags.json) return printJson(page);
    if (page.items.length === 0) return info("No deploys match. Report one with `cuitty deploy building --env NAME`.");
    process.stdout.write(`${table(DEPLOY_HEADERS, page.items.map(deployRow))}\n`);
    if (page.nextCursor) info(`(showing ${page.items.length}; more with --limit)`);
  });
}
