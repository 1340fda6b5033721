"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@scrollintel/ui/button";
import { ConfirmDialog } from "@scrollintel/ui/confirm-dialog";
import { usePermissions } from "@/components/use-permissions";
import { useTRPC } from "@/trpc/client";
import type { VersionSummary } from "./dataset-types";

/**
 * A version's row actions: "Query this version" (roll back to a READY one)
 * and "Delete" (to the trash), each confirmed in a dialog.
 */
export function VersionActions({
  datasetId,
  version,
  queried,
  otherReady,
}: {
  datasetId: string;
  version: VersionSummary;
  queried: boolean;
  /** Another READY version exists (the queried version can go only then). */
  otherReady: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const perms = usePermissions();
  const [open, setOpen] = useState<"rollback" | "delete" | null>(null);
  const done = { onSuccess: async () => (await qc.invalidateQueries(), setOpen(null)) };
  const rollback = useMutation(trpc.dataset.rollback.mutationOptions(done));
  const del = useMutation(trpc.dataset.deleteVersion.mutationOptions(done));
  const close = () => (rollback.reset(), del.reset(), setOpen(null));
  const v = version.version;
  const canRollback = perms.has("dataset.write") && version.status === "READY" && !queried;
  const canDelete = perms.has("dataset.delete") && (!queried || otherReady);
  return (
    <div className="flex justify-end gap-1">
      {canRollback ? (
        <Button variant="ghost" size="sm" aria-label={`Query version ${v}`} onClick={() => setOpen("rollback")}>
          Query this version
        </Button>
      ) : null}
      {canDelete ? (
        <Button
          variant="ghost"
          size="sm"
          className="text-rose-700"
          aria-label={`Delete version ${v}`}
          onClick={() => setOpen("delete")}
        >
          Delete
        </Button>
      ) : null}
      <ConfirmDialog
        open={open === "rollback"}
        title={`Query version ${v}?`}
        confirmLabel={`Query v${v}`}
        busy={rollback.isPending}
        error={rollback.error?.message}
        onConfirm={() => rollback.mutate({ id: datasetId, version: v })}
        onClose={close}
      >
        <p>Queries will read version {v} from now on. Newer versions stay in the list; you can switch back.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={open === "delete"}
        title={`Delete version ${v}?`}
        confirmLabel="Delete version"
        tone="danger"
        busy={del.isPending}
        error={del.error?.message}
        onConfirm={() => del.mutate({ versionId: version.id })}
        onClose={close}
      >
        <p>Version {v} moves to the trash, where you can restore it until it is removed for good.</p>
        {queried ? <p>Queries will read the newest other ready version instead.</p> : null}
      </ConfirmDialog>
    </div>
  );
}
