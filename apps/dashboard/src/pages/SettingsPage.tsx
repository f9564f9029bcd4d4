// Settings: each environment's health policy and rollback hook, and the outbound event subscriptions.
// Admin keys edit; read keys see the policies read-only (the server refuses their changes anyway).
import { useQuery } from "@tanstack/react-query";
import { ErrorNotice } from "../components/ErrorNotice.js";
import { type EnvironmentSettings as Env, HealthPolicyForm, HealthPolicyView } from "../components/HealthPolicyForm.js";
import { HookSubscriptions } from "../components/HookSubscriptions.js";
import { PrometheusForm, PrometheusView } from "../components/PrometheusForm.js";
import { href } from "../route.js";
import { useTRPC } from "../trpc.js";

export function SettingsPage({ environment, admin, scopeKnown }: { environment?: string; admin: boolean; scopeKnown: boolean }) {
  const trpc = useTRPC();
  const environments = useQuery(trpc.environments.list.queryOptions());
  if (!scopeKnown || environments.isPending) return <p className="muted">Loading settings…</p>;
  if (!environments.data) {
    return <ErrorNotice error={environments.error} what="Loading settings" onRetry={() => void environments.refetch()} />;
  }
  return (
    <>
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      {!admin ? (
        <p className="notice" data-testid="settings-read-only">
          This is a read key: settings are shown read-only. Sign in with an admin key to change them.
        </p>
      ) : null}
      <section className="panel">
        <h2>Health checks and rollback</h2>
        <p className="small muted">
          When a deploy goes live in an environment with a health-check URL, the server probes it on this policy and marks it passing or
          failing; with auto-rollback on, a failing deploy is rolled back and the rollback hook is called.
        </p>
        {environments.data.length === 0 ? (
          <p className="muted">No environments yet: they appear with their first deploy.</p>
        ) : (
          <EnvironmentSettings environments={environments.data} selected={environment} admin={admin} />
        )}
      </section>
      {admin ? (
        <HookSubscriptions />
      ) : (
        <section className="panel">
          <h2>Outbound events</h2>
          <p className="muted">Subscriptions and their delivery logs are visible to admin keys only.</p>
        </section>
      )}
    </>
  );
}

/** One environment at a time (picked in the URL, so a link opens it): tabs of names, then its policy. */
function EnvironmentSettings({ environments, selected, admin }: { environments: Env[]; selected?: string; admin: boolean }) {
  const env = environments.find((e) => e.name === selected) ?? environments.find((e) => e.name === "production") ?? environments[0]!;
  return (
    <>
      <nav className="tabs" aria-label="Environments">
        {environments.map((e) => (
          <a
            key={e.id}
            href={href.settings(e.name)}
            className={e.id === env.id ? "tab tab-current" : "tab"}
            aria-current={e.id === env.id ? "page" : undefined}
          >
            {e.name}
            {e.healthUrl ? <span className="muted small"> ✓</span> : null}
          </a>
        ))}
      </nav>
      <div className="env-settings" data-testid={`env-settings-${env.name}`}>
        <p className="small">
          <strong>{env.name}</strong>: <span className="muted">{env.healthUrl ? `probes ${env.healthUrl}` : "no health checks"}</span>
          {env.autoRollback ? <span className="badge status-rolled_back"> auto-rollback</span> : null}{" "}
          <a href={href.timeline(env.name)}>timeline</a>
        </p>
        {admin ? <HealthPolicyForm key={env.id} env={env} /> : <HealthPolicyView env={env} />}
        <h3>Prometheus</h3>
        <p className="small muted">
          With a Prometheus URL, "did this deploy regress p99?" is answered from the team's own Prometheus over the same windows, and an
          error-ratio query becomes a health condition checked at every probe (above the highest ratio, or Prometheus unreachable, the probe
          fails).
        </p>
        {admin ? <PrometheusForm key={`prom-${env.id}`} env={env} /> : <PrometheusView env={env} />}
      </div>
    </>
  );
}
