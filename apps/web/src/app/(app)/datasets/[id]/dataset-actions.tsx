"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@scrollintel/ui/button";
import { ConfirmDialog } from "@scrollintel/ui/confirm-dialog";
import { usePermissions } from "@/components/use-permissions";
import { useTRPC } from "@/trpc/client";
import { RenameDialog } from "./rename-dialog";

/** Rename and Delete for the dataset header, each behind a dialog; shown to those allowed. */
export function DatasetActions({ id, name }: { id: string; name: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const perms = usePermissions();
  const [open, setOpen] = useState<"rename" | "delete" | null>(null);
  const del = useMutation(
    trpc.dataset.delete.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries();
        router.push("/trash");
      },
    }),
  );
  return (
    <>
      {perms.has("dataset.write") ? (
        <Button variant="secondary" size="sm" onClick={() => setOpen("rename")}>
          Rename
        </Button>
      ) : null}
      {perms.has("dataset.delete") ? (
        <Button variant="secondary" size="sm" className="text-rose-700" onClick={() => setOpen("delete")}>
          Delete
        </Button>
      ) : null}
      <RenameDialog open={open === "rename"} id={id} name={name} onClose={() => setOpen(null)} />
      <ConfirmDialog
        open={open === "delete"}
        title={`Delete ${name}?`}
        confirmLabel="Delete dataset"
        tone="danger"
        typeToConfirm={name}
        busy={del.isPending}
        error={del.error?.message}
        onConfirm={() => del.mutate({ id })}
        onClose={() => {
          del.reset();
          setOpen(null);
        }}
      >
        <p>
          The dataset and all its versions move to the trash. Queries stop seeing it at once and its name becomes free;
          queued or running ingests are cancelled.
        </p>
        <p>You can restore it from the trash until it is removed for good.</p>
      </ConfirmDialog>
    </>
  );
}
