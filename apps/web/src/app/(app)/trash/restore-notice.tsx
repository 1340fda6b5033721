"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/trpc/client";

/**
 * Restoring from the trash, with the page's one line saying how it went. It
 * lives above the table: restoring the last item empties the trash, and the
 * line must outlive the table it was pressed in.
 */
export function useTrashRestore() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [restored, setRestored] = useState<{ datasetId: string; text: string } | null>(null);
  const mutation = useMutation(
    trpc.dataset.restore.mutationOptions({
      onSuccess: async (r) => {
        const what = r.version === null ? r.name : `${r.name} v${r.version}`;
        const text = r.renamedFrom
          ? `Restored as ${r.name}: a new dataset is named ${r.renamedFrom} now.`
          : `Restored ${what}.`;
        setRestored({ datasetId: r.datasetId, text });
        await qc.invalidateQueries();
      },
    }),
  );
  return { mutation, restored };
}

export function RestoreNotice({ restore }: { restore: ReturnType<typeof useTrashRestore> }) {
  const { mutation, restored } = restore;
  return (
    <>
      {restored ? (
        <p role="status" className="border-b border-emerald-100 bg-emerald-50 px-5 py-2 text-sm text-emerald-800">
          {restored.text}{" "}
          <Link href={`/datasets/${restored.datasetId}`} className="font-medium underline">
            Open
          </Link>
        </p>
      ) : null}
      {mutation.error ? (
        <p role="alert" className="border-b border-rose-100 bg-rose-50 px-5 py-2 text-sm text-rose-800">
          {mutation.error.message}
        </p>
      ) : null}
    </>
  );
}
