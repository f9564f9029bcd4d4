// Room for what a deploy changed: audit entries it produced and perf shifts around it (filled by a later issue).
export function CorrelationsPanel({ deployId }: { deployId: number }) {
  return (
    <section className="panel" data-testid="correlations-panel" data-deploy-id={deployId}>
      <h2>Correlations</h2>
      <p className="muted">Audit entries and latency changes around this deploy will appear here.</p>
    </section>
  );
}
