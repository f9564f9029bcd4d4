// Outbound event subscriptions (hooks.*, admin): add, list with delivery state, remove, and each one's delivery log.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { HOOK_EVENT_TYPES as EVENT_TYPES, type HOOK_FORMATS as FORMATS } from "@cuitty/core";
import { describeError } from "../errors.js";
import { fieldErrors } from "../fieldErrors.js";
import { formatAgo, formatTime } from "../format.js";
import { POLL_MS } from "../poll.js";
import { href } from "../route.js";
import { type Outputs, useTRPC } from "../trpc.js";
import { ErrorNotice } from "./ErrorNotice.js";

type Subscription = Outputs["hooks"]["list"][number];
type EventType = (typeof EVENT_TYPES)[number];

function AddHook() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState("");
  const [events, setEvents] = useState<EventType[]>([]);
  const [environments, setEnvironments] = useState("");
  const [format, setFormat] = useState<(typeof FORMATS)[number]>("json");
  const add = useMutation(
    trpc.hooks.add.mutationOptions({
      onSuccess: async () => {
        setUrl("");
        setSecret("");
        setEvents([]);
        setEnvironments("");
        await queryClient.invalidateQueries({ queryKey: trpc.hooks.pathKey() });
      },
    }),
  );
  const errors = fieldErrors(add.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const envs = environments
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    add.mutate({
      url: url.trim(),
      secret: secret.trim() || undefined,
      events: events.length > 0 ? events : undefined,
      environments: envs.length > 0 ? envs : undefined,
      format,
    });
  };
  const toggle = (t: EventType) => setEvents(events.includes(t) ? events.filter((x) => x !== t) : [...events, t]);
  return (
    <form className="hook-add" onSubmit={submit} data-testid="hook-add-form" noValidate>
      <h3>Add a subscription</h3>
      <div className="form-grid">
        <label className={errors.url ? "field field-invalid" : "field"}>
          <span>URL</span>
          <input name="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://hooks.example.com/cuitty" required />
          {errors.url ? (
            <span className="field-error" data-testid="error-url">
              {errors.url}
            </span>
          ) : null}
        </label>
        <label className={errors.secret ? "field field-invalid" : "field"}>
          <span>Secret (optional)</span>
          <input
            name="secret"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            placeholder="generated when empty"
            autoComplete="off"
          />
          {errors.secret ? (
            <span className="field-error" data-testid="error-secret">
              {errors.secret}
            </span>
          ) : null}
        </label>
        <label className={errors.environments ? "field field-invalid" : "field"}>
          <span>Environments</span>
          <input
            name="environments"
            value={environments}
            onChange={(e) => setEnvironments(e.target.value)}
            placeholder="all (or: production, staging)"
          />
          {errors.environments ? <span className="field-error">{errors.environments}</span> : null}
        </label>
        <label className="field">
          <span>Format</span>
          <select name="format" value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
            <option value="json">JSON (signed)</option>
            <option value="slack">Slack-compatible text</option>
          </select>
        </label>
      </div>
      <fieldset className="event-picks">
        <legend className="small muted">Events (none ticked: all)</legend>
        {EVENT_TYPES.map((t) => (
          <label key={t} className="check small">
            <input type="checkbox" name="events" value={t} checked={events.includes(t)} onChange={() => toggle(t)} />
            <span className="mono">{t}</span>
          </label>
        ))}
      </fieldset>
      {add.error && Object.keys(errors).length === 0 ? (
        <p className="notice notice-error" role="alert">
          Adding failed. {describeError(add.error).message}
        </p>
      ) : null}
      <div className="confirm-actions">
        <button type="submit" className="primary" disabled={add.isPending || !url.trim()} data-testid="hook-add-button">
          {add.isPending ? "Adding…" : "Add subscription"}
        </button>
      </div>
      {add.data ? (
        <p className="notice" data-testid="hook-secret" role="status">
          Added <span className="mono">{add.data.subscription.url}</span>. Deliveries are signed with{" "}
          <code className="secret">{add.data.secret}</code> — shown only now; verify with the wire protocol's signature code.
        </p>
      ) : null}
    </form>
  );
}

function Deliveries({ id }: { id: number }) {
  const trpc = useTRPC();
  const log = useQuery(trpc.hooks.deliveries.queryOptions({ id, limit: 50 }, { refetchInterval: POLL_MS }));
  if (log.isPending) return <p className="muted small">Loading deliveries…</p>;
  if (!log.data) return <ErrorNotice error={log.error} what="Loading deliveries" />;
  if (log.data.length === 0)
    return (
      <p className="muted small" data-testid="hook-deliveries-empty">
        No deliveries yet: events are sent as deploys move.
      </p>
    );
  return (
    <div className="table-scroll">
      <table className="phases" data-testid="hook-deliveries">
        <thead>
          <tr>
            <th>At</th>
            <th>Event</th>
            <th>Deploy</th>
            <th>Attempt</th>
            <th>Outcome</th>
            <th>Status</th>
            <th>Time</th>
          </tr>
        </thead>
        <tbody>
          {log.data.map((d) => (
            <tr key={d.id} data-testid="hook-delivery" data-outcome={d.outcome} data-status-code={d.statusCode ?? ""}>
              <td>{formatTime(Number(d.at))}</td>
              <td className="mono">{d.eventType}</td>
              <td>
                <a href={href.deploy(Number(d.deployId))}>#{d.deployId}</a>
              </td>
              <td>{d.attempt}</td>
              <td className={d.outcome === "delivered" ? "passing" : "failure"}>{d.outcome.replace("_", " ")}</td>
              <td>
                {d.statusCode ?? "—"}
                {d.error && d.error !== `HTTP ${d.statusCode}` ? <span className="muted small"> {d.error}</span> : null}
              </td>
              <td>{d.durationMs} ms</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HookRow({ hook }: { hook: Subscription }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [showLog, setShowLog] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation(
    trpc.hooks.remove.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.hooks.list.queryKey() }) }),
  );
  const state =
    hook.pending === 0
      ? "up to date"
      : hook.attempts > 0
        ? `${hook.pending} pending, retrying (attempt ${hook.attempts + 1})`
        : `${hook.pending} pending`;
  return (
    <li className="hook" data-testid="hook" data-hook-id={hook.id} data-url={hook.url}>
      <div className="hook-head">
        <span className="mono hook-url">{hook.url}</span>
        <span className="badge">{hook.format}</span>
        {hook.lastStatus != null ? (
          <span className={`badge ${hook.lastStatus < 300 ? "health-passing" : "health-failing"}`} title="Last answer">
            HTTP {hook.lastStatus}
          </span>
        ) : null}
      </div>
      <div className="row-facts">
        <span>events: {hook.events ? hook.events.join(", ") : "all"}</span>
        <span>environments: {hook.environments ? hook.environments.join(", ") : "all"}</span>
        <span className="mono" title="The secret's start">
          {hook.secretHint}
        </span>
        <span>{state}</span>
        <span>last delivered {formatAgo(hook.lastDeliveredAt)}</span>
        {hook.lastError ? <span className="failure">{hook.lastError}</span> : null}
      </div>
      <div className="confirm-actions">
        <button type="button" className="linkish" onClick={() => setShowLog(!showLog)} data-testid="hook-log-toggle">
          {showLog ? "Hide deliveries" : "Deliveries"}
        </button>
        {confirming ? (
          <>
            <span className="small">Remove it? Events it has not received are not sent.</span>
            <button
              type="button"
              className="danger"
              data-testid="hook-remove-confirm"
              disabled={remove.isPending}
              onClick={() => remove.mutate({ id: hook.id })}
            >
              {remove.isPending ? "Removing…" : "Remove"}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" className="danger" data-testid="hook-remove" onClick={() => setConfirming(true)}>
            Remove…
          </button>
        )}
        {remove.error ? <span className="failure small">{describeError(remove.error).message}</span> : null}
      </div>
      {showLog ? <Deliveries id={hook.id} /> : null}
    </li>
  );
}

export function HookSubscriptions() {
  const trpc = useTRPC();
  const hooks = useQuery(trpc.hooks.list.queryOptions(undefined, { refetchInterval: POLL_MS }));
  return (
    <section className="panel" data-testid="hooks-panel">
      <h2>Outbound events</h2>
      <p className="small muted">
        Every accepted transition, health change, rollback and mark-bad is POSTed to each subscription, signed as the wire protocol signs
        (headers <code>x-cuitty-timestamp</code>, <code>x-cuitty-signature</code>), at least once and in order per deploy.
      </p>
      {hooks.isPending ? <p className="muted">Loading subscriptions…</p> : null}
      {hooks.error && !hooks.data ? <ErrorNotice error={hooks.error} what="Loading subscriptions" /> : null}
      {hooks.data && hooks.data.length === 0 ? (
        <p className="muted" data-testid="hooks-empty">
          No subscriptions yet.
        </p>
      ) : null}
      {hooks.data && hooks.data.length > 0 ? (
        <ul className="hooks" data-testid="hooks">
          {hooks.data.map((h) => (
            <HookRow key={h.id} hook={h} />
          ))}
        </ul>
      ) : null}
      <AddHook />
    </section>
  );
}
