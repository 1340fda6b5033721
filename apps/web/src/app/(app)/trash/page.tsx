"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, CardHeader } from "@scrollintel/ui/card";
import { EmptyState, ErrorNotice } from "@scrollintel/ui/empty-state";
import { useTRPC } from "@/trpc/client";
import { RestoreNotice, useTrashRestore } from "./restore-notice";
import { TrashTable } from "./trash-table";

export default function TrashPage() {
  const trpc = useTRPC();
  const list = useQuery(trpc.trash.list.queryOptions());
  const restore = useTrashRestore();
  return (
    <Card>
      <CardHeader
        title="Trash"
        description="Deleted datasets and versions stay here, restorable and counted in your storage, until the date shown; then their files are removed for good."
      />
      <RestoreNotice restore={restore} />
      {list.error ? (
        <div className="p-5">
          <ErrorNotice message={list.error.message} />
        </div>
      ) : list.isLoading ? (
        <p className="p-5 text-sm text-slate-500">Loading…</p>
      ) : !list.data?.length ? (
        <div className="p-5">
          <EmptyState title="The trash is empty">
            Datasets and versions you delete wait here before they are removed, so you can change your mind.
          </EmptyState>
        </div>
      ) : (
        <TrashTable
          items={list.data}
          onRestore={(trashItemId) => restore.mutation.mutate({ trashItemId })}
          pending={restore.mutation.isPending}
        />
      )}
    </Card>
  );
}
