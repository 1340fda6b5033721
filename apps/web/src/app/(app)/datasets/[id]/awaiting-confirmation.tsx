"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "@scrollintel/ui/button";
import { useTRPC } from "@/trpc/client";
import { accountingOf } from "./accounting-line";
import type { VersionSummary } from "./dataset-types";

/** A version that skipped more rows than its threshold: the figures, and the choice to query it or drop it. */
export function AwaitingConfirmation({ version }: { version: VersionSummary }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const done = { onSuccess: () => void qc.invalidateQueries() };
  const confirm = useMutation(trpc.dataset.confirm.mutationOptions(done));
  const discard = useMutation(trpc.dataset.discard.mutationOptions(done));
  const busy = confirm.isPending || discard.isPending;
  const error = confirm.error ?? discard.error;
  return (
    <div className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-4" data-testid="awaiting-confirmation">
      <div className="space-y-1 text-sm">
        <p className="font-medium text-amber-900">Version {version.version} waits for your confirmation</p>
        <p className="text-amber-900">{version.error}</p>
        <p className="tabular-nums text-amber-800" data-testid="awaiting-accounting">
          {accountingOf(version)}
        </p>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button size="sm" disabled={busy} onClick={() => confirm.mutate({ versionId: version.id })}>
          Confirm: query this version
        </Button>
        <Button size="sm" variant="secondary" disabled={busy} onClick={() => discard.mutate({ versionId: version.id })}>
          Discard version
        </Button>
      </div>
      {error ? <p className="text-sm text-rose-700">{error.message}</p> : null}
    </div>
  );
}
