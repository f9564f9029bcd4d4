// Sign-in: project id and a read or admin key, checked against the server before anything is stored.
import { type FormEvent, useState } from "react";
import { describeError } from "../errors.js";
import { type Session, isOrgSession } from "../session.js";
import { createClient } from "../trpc.js";

export function SignInPage({ notice, onSignedIn }: { notice: string | null; onSignedIn(session: Session): void }) {
  const [projectId, setProjectId] = useState("");
  const [apiKey, setApiKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(notice);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const session = { projectId: projectId.trim(), apiKey: apiKey.trim() };
    if (!session.projectId || !session.apiKey) {
      setError("Enter both the project id and a key.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const client = createClient(session);
      await (isOrgSession(session) ? client.org.whoami.query() : client.auth.whoami.query());
      onSignedIn(session);
    } catch (e) {
      setError(describeError(e, session.projectId).message);
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <form className="panel signin-form" onSubmit={submit} aria-describedby={error ? "signin-error" : undefined}>
        <h1>
          <span className="brand-dot" aria-hidden="true" /> Cuitty Deploys
        </h1>
        <p className="muted">
          Sign in with your project id and a read or admin key. The key stays in this tab and signs each request; it is never sent.
        </p>
        <label>
          Project id
          <input name="projectId" autoComplete="username" value={projectId} onChange={(e) => setProjectId(e.target.value)} required />
        </label>
        <label>
          API key
          <input
            name="apiKey"
            type="password"
            autoComplete="current-password"
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            required
          />
        </label>
        {error ? (
          <p id="signin-error" className="notice notice-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Checking…" : "Sign in"}
        </button>
        <p className="muted small">
          The first server start prints an admin key and writes it to <code>.cuitty/credentials.json</code>. Make a read-only key with{" "}
          <code>cuitty keys create --project ID --scope read</code>. A platform team signs in with project id <code>org</code> and an
          organisation key (<code>cuitty keys create --org --scope read</code>) to see every service.
        </p>
      </form>
    </main>
  );
}
