// `cuitty hooks add|list|remove|deliveries`: the project's signed outbound event subscriptions (admin key).
import { type Command, InvalidArgumentError } from "@commander-js/extra-typings";
import { HOOK_EVENT_TYPES, HOOK_FORMATS, type HookEventType, type HookFormat } from "@cuitty/core";
import { call } from "../apiErrors.js";
import { createApiClient } from "../client.js";
import { resolveConnection } from "../config.js";
import { info, paint, printJson, relativeTime, table } from "../output.js";
import { addConnectionOptions, parseEnvironment, withConnectionHelp } from "./deployOptions.js";
import { idParser } from "./parse.js";

function parseEvents(value: string): HookEventType[] {
  const names = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const full = names.map((n) => (n.startsWith("deploy.") ? n : `deploy.${n}`));
  const bad = full.filter((n) => !(HOOK_EVENT_TYPES as readonly string[]).includes(n));
  if (bad.length || full.length === 0)
    throw new InvalidArgumentError(`events are a comma-separated list of ${HOOK_EVENT_TYPES.join(", ")}`);
  return full as HookEventType[];
}

function parseFormat(value: string): HookFormat {
  const f = HOOK_FORMATS.find((x) => x === value);
  if (!f) throw new InvalidArgumentError(`a format is one of ${HOOK_FORMATS.join(", ")}`);
  return f;
}

const parseId = idParser("hook", "see `cuitty hooks list`");

export function registerHooks(program: Command): void {
  const hooks = program
    .command("hooks")
    .description("signed outbound events: every transition, health change, rollback and mark (admin key)");
  hooks.exitOverride();

  const add = addConnectionOptions(
    hooks
      .command("add")
      .description("send events to a URL, signed like the wire protocol with the hook's secret")
      .argument("<url>", "the receiver, http(s)")
      .option("--secret <secret>", "sign with this secret (default: a new one, printed once)")
      .option("--events <list>", "only these events, e.g. live,failed,rolled_back,marked_bad,health", parseEvents)
      .option("-e, --env <name>", "only this environment (repeat for more)", (v: string, prev: string[] = []) => [
        ...prev,
        parseEnvironment(v),
      ])
      .option("--format <json|slack>", 'json (default) or Slack-compatible {"text": …}', parseFormat, "json" as HookFormat),
  ).exitOverride();
  const list = addConnectionOptions(
    hooks.command("list").description("the subscriptions, with what is pending and the last error"),
  ).exitOverride();
  const remove = addConnectionOptions(
    hooks.command("remove").description("stop sending to a subscription").argument("<id>", "hook id", parseId),
  ).exitOverride();
  const deliveries = addConnectionOptions(
    hooks
      .command("deliveries")
      .description("the latest delivery attempts of a subscription")
      .argument("<id>", "hook id", parseId)
      .option("--limit <n>", "how many", (v: string) => Number(v), 20),
  ).exitOverride();
  withConnectionHelp(add, [
    "cuitty hooks add https://hooks.example.com/cuitty --events live,failed -e production",
    "cuitty hooks add https://hooks.slack.com/services/T/B/X --format slack",
  ]);

  add.action(async (url, flags) => {
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const r = await call(conn, () =>
      client.hooks.add.mutate({ url, secret: flags.secret, events: flags.events, environments: flags.env, format: flags.format }),
    );
    if (flags.json) return printJson(r);
    const what = `${r.subscription.events?.join(", ") ?? "every event"} to ${url}`;
    info(r.created ? `hook #${r.subscription.id} sends ${what}` : `hook #${r.subscription.id} already sends ${what}; nothing added`);
    if (!flags.secret) {
      info(`secret (shown once; receivers verify x-cuitty-signature with it):`);
      process.stdout.write(`${r.secret}\n`);
    }
  });
  list.action(async (flags) => {
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const subs = await call(conn, () => client.hooks.list.query());
    if (flags.json) return printJson(subs);
    if (subs.length === 0) return info("no hooks yet; add one with `cuitty hooks add URL`");
    process.stdout.write(
      `${table(
        ["ID", "URL", "EVENTS", "ENVS", "FORMAT", "PENDING", "LAST DELIVERY", "LAST ERROR"],
        subs.map((s) => [
          `#${s.id}`,
          s.url,
          s.events?.map((e) => e.replace("deploy.", "")).join(",") ?? "all",
          s.environments?.join(",") ?? "all",
          s.format,
          String(s.pending),
          relativeTime(s.lastDeliveredAt),
          s.lastError ? paint("red", s.lastError.slice(0, 60)) : "",
        ]),
      )}\n`,
    );
  });
  remove.action(async (id, flags) => {
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const r = await call(conn, () => client.hooks.remove.mutate({ id }));
    if (flags.json) return printJson(r);
    info(`hook #${id} removed.`);
  });
  deliveries.action(async (id, flags) => {
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const rows = await call(conn, () => client.hooks.deliveries.query({ id, limit: flags.limit }));
    if (flags.json) return printJson(rows);
    process.stdout.write(
      `${table(
        ["WHEN", "EVENT", "DEPLOY", "ATTEMPT", "OUTCOME", "STATUS", "MS", "ERROR"],
        rows.map((d) => [
          relativeTime(d.at),
          d.eventType,
          `#${d.deployId}`,
          String(d.attempt),
          d.outcome,
          String(d.statusCode ?? "-"),
          String(d.durationMs),
          d.error ?? "",
        ]),
      )}\n`,
    );
  });
}
