// A deploy's status as a colored badge; failures and rollbacks read as such without color too.
import type { DeployStatus } from "@cuitty/core";

const LABELS: Record<DeployStatus, string> = {
  initiated: "initiated",
  building: "building",
  deploying: "deploying",
  live: "live",
  failed: "✕ failed",
  rolled_back: "↩ rolled back",
};

export function StatusBadge({ status }: { status: DeployStatus }) {
  return (
    <span className={`badge status-${status}`} data-status={status}>
      {LABELS[status]}
    </span>
  );
}

export function HealthBadge({ health, label, testId }: { health: string; label?: string; testId?: string }) {
  return (
    <span className={`badge health-${health}`} data-health={health} data-testid={testId}>
      health: {label ?? health}
    </span>
  );
}
