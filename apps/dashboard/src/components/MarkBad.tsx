// "Marked bad" after the fact: who and why for everyone; mark bad / mark good for admin keys.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { describeError } from "../errors.js";
import { formatTime } from "../format.js";
import { type DeployDetail, useTRPC } from "../trpc.js";

export function MarkedBadNotice({ deploy }: { deploy: Pick<DeployDetail, "markedBadAt" | "markedBadReason" | "markedBadByName"> }) {
  if (deploy.markedBadAt == null) return null;
  return (
    <p className="notice notice-error" data-testid="marked-bad">
      <strong>Marked bad</strong> by <span data-testid="marked-bad-by">{deploy.markedBadByName ?? "unknown"}</span> at{" "}
      {formatTime(deploy.markedBadAt)}
      {deploy.markedBadReason ? (
        <>
          : <span data-testid="marked-bad-reason">{deploy.markedBadReason}</span>
        </>
      ) : null}
      . It counts as a change failure and is never a default rollback target.
    </p>
  );
}

export function MarkBadControl({ deploy }: { deploy: Pick<DeployDetail, "id" | "markedBadAt"> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const onSuccess = async () => {
    setOpen(false);
    setReason("");
    await queryClient.invalidateQueries({ queryKey: trpc.deploys.pathKey() });
  };
  const markBad = useMutation(trpc.deploys.markBad.mutationOptions({ onSuccess }));
  const markGood = useMutation(trpc.deploys.markGood.mutationOptions({ onSuccess }));
  const error = markBad.error ?? markGood.error;
  const bad = deploy.markedBadAt != null;

  if (bad) {
    return (
      <div className="actions">
        <button
          type="button"
          data-testid="mark-good-button"
          disabled={markGood.isPending}
          onClick={() => markGood.mutate({ id: deploy.id })}
        >
          {markGood.isPending ? "Marking good…" : "Mark good again"}
        </button>
        {error ? <span className="failure small">{describeError(error).message}</span> : null}
      </div>
    );
  }
  if (!open) {
    return (
      <button type="button" className="danger" data-testid="mark-bad-button" onClick={() => setOpen(true)}>
        Mark as bad…
      </button>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    markBad.mutate({ id: deploy.id, reason: reason.trim() });
  };
  return (
    <form className="confirm" onSubmit={submit} data-testid="mark-bad-form">
      <p>Mark this deploy bad? It keeps its history, counts as a change failure and is never chosen as a default rollback target.</p>
      <label>
        Reason (required)
        <input
          name="reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={1000}
          required
          placeholder="e.g. corrupts invoices"
        />
      </label>
      {error ? (
        <p className="failure small" role="alert">
          {describeError(error).message}
        </p>
      ) : null}
      <div className="confirm-actions">
        <button type="submit" className="danger" data-testid="mark-bad-confirm" disabled={markBad.isPending || !reason.trim()}>
          {markBad.isPending ? "Marking…" : "Mark as bad"}
        </button>
        <button type="button" onClick={() => setOpen(false)} disabled={markBad.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Every mark and unmark of the deploy, newest first (shown once there is one). */
export function MarkHistory({ deployId }: { deployId: number }) {
  const trpc = useTRPC();
  const marks = useQuery(trpc.deploys.marks.queryOptions({ id: deployId }));
  if (!marks.data || marks.data.length === 0) return null;
  return (
    <ul className="mark-history small" data-testid="mark-history">
      {marks.data.map((m) => (
        <li key={m.id}>
          {formatTime(m.at)} · <span title={m.actor}>{m.actorName}</span> marked it {m.action}
          {m.reason ? `: ${m.reason}` : ""}
        </li>
      ))}
    </ul>
  );
}
