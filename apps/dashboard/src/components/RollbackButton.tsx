// Rollback for admin keys: offered only where the server would accept it (deploys.get says `rollbackable` and
// names the default target, so the rule lives in one place), names the target, and asks before acting.
import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { describeError } from "../errors.js";
import { deployTitle, shortCommit } from "@cuitty/core";
import { formatAgo } from "../format.js";
import { type Deploy, useTRPC } from "../trpc.js";

/** The target as a person names it: "v1.26.0, #45, live 2 d ago, abc1234" (the SHA only when the title is not it). */
function rollbackTargetName(target: Deploy, now = Date.now() / 1000): string {
  const title = deployTitle(target);
  const sha = shortCommit(target.commitSha);
  const parts = [title, `#${target.id}`, target.liveAt != null ? `live ${formatAgo(target.liveAt, now)}` : undefined];
  if (sha && sha !== title) parts.push(sha);
  return parts.filter(Boolean).join(", ");
}

export function RollbackButton({ deploy }: { deploy: Deploy }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const eligible = deploy.status === "live" || deploy.status === "failed";
  const detail = useQuery(trpc.deploys.get.queryOptions(eligible ? { id: deploy.id } : skipToken));
  const rollback = useMutation(
    trpc.deploys.rollback.mutationOptions({
      onSuccess: async () => {
        setConfirming(false);
        await queryClient.invalidateQueries({ queryKey: trpc.deploys.pathKey() });
      },
    }),
  );
  // Not offered for a deploy a later one superseded, nor with nothing earlier to go back to.
  if (!eligible || !detail.data?.rollbackable) return null;
  const target = detail.data.defaultRollbackTarget ?? undefined;
  const targetName = target ? rollbackTargetName(target) : "";

  if (!confirming) {
    return (
      <button
        type="button"
        className="danger"
        data-testid="rollback-button"
        disabled={!target}
        title={target ? `Roll back to ${targetName}` : "No earlier live deploy in this environment to roll back to"}
        onClick={() => setConfirming(true)}
      >
        Roll back…
      </button>
    );
  }
  return (
    <div className="confirm" role="dialog" aria-labelledby={`rollback-title-${deploy.id}`} data-testid="rollback-confirm">
      <p id={`rollback-title-${deploy.id}`}>
        Roll back <strong>{deploy.environment}</strong> from <strong>{deployTitle(deploy)}</strong> (#{deploy.id}) to{" "}
        <strong data-testid="rollback-target">{targetName}</strong>?
      </p>
      <label>
        Reason (optional)
        <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} placeholder="e.g. error rate up" />
      </label>
      {rollback.error ? (
        <p className="notice notice-error" role="alert">
          Rollback failed. {describeError(rollback.error).message}
        </p>
      ) : null}
      <div className="confirm-actions">
        <button
          type="button"
          className="danger"
          data-testid="rollback-confirm-button"
          disabled={rollback.isPending || !target}
          onClick={() => target && rollback.mutate({ deployId: deploy.id, targetId: target.id, reason: reason.trim() || undefined })}
        >
          {rollback.isPending ? "Rolling back…" : target ? `Roll back to ${deployTitle(target)}` : "Roll back"}
        </button>
        <button type="button" onClick={() => setConfirming(false)} disabled={rollback.isPending}>
          Cancel
        </button>
      </div>
    </div>
  );
}
