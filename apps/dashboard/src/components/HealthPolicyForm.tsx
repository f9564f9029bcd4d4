// One environment's health policy and rollback hook: a form for admin keys, a read-only list otherwise.
import { type FormEvent, useState } from "react";
import type { Outputs } from "../trpc.js";
import { Fact, Field, TextSetting } from "./SettingsFields.js";
import { useEnvironmentUpdate } from "./useEnvironmentUpdate.js";

export type EnvironmentSettings = Outputs["environments"]["list"][number];

const NUMBERS = [
  ["healthExpectStatus", "Expected status", "HTTP status a healthy answer has"],
  ["healthIntervalSeconds", "Interval (s)", "seconds between probes"],
  ["healthTimeoutMs", "Timeout (ms)", "a slower answer is a failed probe"],
  ["healthChecks", "Probes", "probes in the series after go-live"],
  ["healthFailures", "Failures", "consecutive failed probes that make it failing"],
] as const;
const TEXTS = [
  ["healthUrl", "Health-check URL", "https://api.example.com/healthz (empty: no checks)"],
  ["rollbackWebhookUrl", "Rollback webhook URL", "POSTed, signed, when a deploy is rolled back"],
  ["rollbackGithubRepo", "GitHub repository", "owner/repo for a workflow_dispatch"],
  ["rollbackGithubWorkflow", "GitHub workflow", "deploy.yml"],
  ["rollbackGithubRef", "GitHub ref", "main"],
] as const;
type NumberField = (typeof NUMBERS)[number][0];
type TextField = (typeof TEXTS)[number][0];

export function HealthPolicyView({ env }: { env: EnvironmentSettings }) {
  return (
    <dl className="facts" data-testid={`policy-${env.name}`}>
      {TEXTS.map(([key, label]) => (
        <Fact key={key} label={label} mono>
          {env[key] ?? "—"}
        </Fact>
      ))}
      {NUMBERS.map(([key, label]) => (
        <Fact key={key} label={label}>
          {env[key]}
        </Fact>
      ))}
      <Fact label="Auto-rollback">{env.autoRollback ? "on" : "off"}</Fact>
    </dl>
  );
}

export function HealthPolicyForm({ env }: { env: EnvironmentSettings }) {
  const [texts, setTexts] = useState(() => Object.fromEntries(TEXTS.map(([k]) => [k, env[k] ?? ""])) as Record<TextField, string>);
  const [numbers, setNumbers] = useState(
    () => Object.fromEntries(NUMBERS.map(([k]) => [k, String(env[k])])) as Record<NumberField, string>,
  );
  const [autoRollback, setAutoRollback] = useState(env.autoRollback);
  const { update, saved, setSaved, errors, otherError } = useEnvironmentUpdate();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    // Empty text clears the setting (null); numbers go as typed so the server's own rules speak.
    const input = {
      environment: env.name,
      autoRollback,
      ...Object.fromEntries(TEXTS.map(([k]) => [k, texts[k].trim() || null])),
      ...Object.fromEntries(NUMBERS.map(([k]) => [k, numbers[k].trim() === "" ? undefined : Number(numbers[k])])),
    };
    update.mutate(input as Parameters<typeof update.mutate>[0]);
  };
  const changed = () => setSaved(false);
  const textField = ([key, label, hint]: (typeof TEXTS)[number]) => (
    <TextSetting
      key={key}
      name={key}
      label={label}
      hint={hint}
      value={texts[key]}
      error={errors[key]}
      onChange={(v) => (setTexts({ ...texts, [key]: v }), changed())}
    />
  );

  return (
    <form className="policy-form" onSubmit={submit} data-testid={`policy-form-${env.name}`} noValidate>
      <div className="form-grid">
        {TEXTS.slice(0, 1).map(textField)}
        {NUMBERS.map(([key, label, hint]) => (
          <Field key={key} name={key} label={label} error={errors[key]}>
            <input
              name={key}
              inputMode="numeric"
              value={numbers[key]}
              title={hint}
              onChange={(e) => (setNumbers({ ...numbers, [key]: e.target.value }), changed())}
            />
          </Field>
        ))}
      </div>
      <label className="check">
        <input
          type="checkbox"
          name="autoRollback"
          checked={autoRollback}
          onChange={(e) => (setAutoRollback(e.target.checked), changed())}
        />
        Roll back automatically when the checks fail (to the previous healthy deploy), then call the rollback hook
      </label>
      <div className="form-grid">{TEXTS.slice(1).map(textField)}</div>
      {otherError ? (
        <p className="notice notice-error" role="alert">
          Saving failed. {otherError}
        </p>
      ) : null}
      <div className="confirm-actions">
        <button type="submit" className="primary" disabled={update.isPending}>
          {update.isPending ? "Saving…" : `Save ${env.name}`}
        </button>
        {saved && !update.error ? (
          <span className="passing small" data-testid="policy-saved" role="status">
            Saved.
          </span>
        ) : null}
        {Object.keys(errors).length > 0 ? <span className="failure small">Nothing saved: fix the fields marked.</span> : null}
      </div>
    </form>
  );
}
