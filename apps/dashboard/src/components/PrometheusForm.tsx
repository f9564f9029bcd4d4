// One environment's Prometheus source (regression verdicts and the health condition): a form for admin keys,
// a read-only list otherwise. Credentials are write-only: the server only says which kind is set.
import { type FormEvent, useState } from "react";
import type { EnvironmentSettings } from "./HealthPolicyForm.js";
import { Fact, Field, TextSetting } from "./SettingsFields.js";
import { useEnvironmentUpdate } from "./useEnvironmentUpdate.js";

const TEXTS = [
  ["prometheusUrl", "Prometheus URL", "http://prometheus:9090 (empty: regression from pushed snapshots)"],
  ["prometheusLatencyQuery", "Latency query (p99, seconds)", "empty: the default OpenTelemetry http_server_request_duration_seconds query"],
  ["prometheusCountQuery", "Sample-count query", "empty: the default, grouped like the latency query"],
  ["prometheusErrorQuery", "Health condition: error-ratio query", "empty: no Prometheus condition in health checks"],
] as const;
type TextField = (typeof TEXTS)[number][0];
type Auth = "keep" | "none" | "bearer" | "basic";

export function PrometheusView({ env }: { env: EnvironmentSettings }) {
  return (
    <dl className="facts" data-testid={`prometheus-${env.name}`}>
      {TEXTS.map(([key, label]) => (
        <Fact key={key} label={label} mono>
          {env[key] ?? "—"}
        </Fact>
      ))}
      <Fact label="Highest error ratio">{env.prometheusErrorMax}</Fact>
      <Fact label="Auth">{env.prometheusAuth ?? "none"}</Fact>
    </dl>
  );
}

export function PrometheusForm({ env }: { env: EnvironmentSettings }) {
  const [texts, setTexts] = useState(() => Object.fromEntries(TEXTS.map(([k]) => [k, env[k] ?? ""])) as Record<TextField, string>);
  const [errorMax, setErrorMax] = useState(String(env.prometheusErrorMax));
  const [auth, setAuth] = useState<Auth>("keep");
  const [secret, setSecret] = useState("");
  const { update, saved, setSaved, errors, otherError } = useEnvironmentUpdate(() => {
    setSecret("");
    setAuth("keep");
  });
  const changed = () => setSaved(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const credentials =
      auth === "none"
        ? { prometheusBearerToken: null, prometheusBasicAuth: null }
        : auth === "bearer"
          ? { prometheusBearerToken: secret }
          : auth === "basic"
            ? { prometheusBasicAuth: secret }
            : {};
    update.mutate({
      environment: env.name,
      ...Object.fromEntries(TEXTS.map(([k]) => [k, texts[k].trim() || null])),
      prometheusErrorMax: errorMax.trim() === "" ? undefined : Number(errorMax),
      ...credentials,
    } as Parameters<typeof update.mutate>[0]);
  };

  return (
    <form className="prometheus-form" onSubmit={submit} data-testid={`prometheus-form-${env.name}`} noValidate>
      <div className="form-grid">
        {TEXTS.map(([key, label, hint]) => (
          <TextSetting
            key={key}
            name={key}
            label={label}
            hint={hint}
            value={texts[key]}
            error={errors[key]}
            wide={key !== "prometheusUrl"}
            onChange={(v) => (setTexts({ ...texts, [key]: v }), changed())}
          />
        ))}
        <Field name="prometheusErrorMax" label="Highest error ratio" error={errors.prometheusErrorMax}>
          <input
            name="prometheusErrorMax"
            inputMode="decimal"
            value={errorMax}
            onChange={(e) => (setErrorMax(e.target.value), changed())}
          />
        </Field>
        <Field name="prometheusAuth" label={`Auth (now: ${env.prometheusAuth ?? "none"})`}>
          <select name="prometheusAuth" value={auth} onChange={(e) => (setAuth(e.target.value as Auth), changed())}>
            <option value="keep">keep as it is</option>
            <option value="none">none</option>
            <option value="bearer">bearer token</option>
            <option value="basic">basic (user:password)</option>
          </select>
        </Field>
        {auth === "bearer" || auth === "basic" ? (
          <Field
            name="prometheusSecret"
            label={auth === "bearer" ? "Bearer token" : "user:password"}
            error={errors.prometheusBearerToken ?? errors.prometheusBasicAuth}
          >
            <input
              name="prometheusSecret"
              type="password"
              autoComplete="off"
              value={secret}
              onChange={(e) => (setSecret(e.target.value), changed())}
            />
          </Field>
        ) : null}
      </div>
      {otherError ? (
        <p className="notice notice-error" role="alert">
          Saving failed. {otherError}
        </p>
      ) : null}
      <div className="confirm-actions">
        <button type="submit" className="primary" disabled={update.isPending}>
          {update.isPending ? "Saving…" : `Save Prometheus of ${env.name}`}
        </button>
        {saved && !update.error ? (
          <span className="passing small" data-testid="prometheus-saved" role="status">
            Saved.
          </span>
        ) : null}
      </div>
    </form>
  );
}
