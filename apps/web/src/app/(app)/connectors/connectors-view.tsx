"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ConfirmDialog } from "@scrollintel/ui/confirm-dialog";
import { EmptyState, ErrorNotice } from "@scrollintel/ui/empty-state";
import { usePermissions } from "@/components/use-permissions";
import { useTRPC } from "@/trpc/client";
import { ConnectorForm, type ConnectorSubmit } from "./connector-form";
import type { ConnectorFormValues } from "./connector-form-rules";
import { ConnectorItem, type ConnectorView } from "./connector-item";

const BLANK: ConnectorFormValues = {
  servers: "",
  stream: "",
  subject: "",
  datasetName: "",
  auth: "none",
  token: "",
  user: "",
  pass: "",
};

function valuesOf(c: ConnectorView): ConnectorFormValues {
  return {
    ...BLANK,
    servers: c.servers.join("\n"),
    stream: c.stream,
    subject: c.subject ?? "",
    datasetName: c.datasetName ?? "",
    auth: c.hasCredentials ? "keep" : "none",
  };
}

export function ConnectorsView() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const perms = usePermissions();
  const allowed = perms.has("connector.manage");
  const list = useQuery({ ...trpc.connector.list.queryOptions(), enabled: allowed, refetchInterval: 5000 });
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.connector.list.queryKey() });
  const [editing, setEditing] = useState<ConnectorView | null>(null);
  const [deleting, setDeleting] = useState<ConnectorView | null>(null);
  const [formKey, setFormKey] = useState(0);
  const create = useMutation(
    trpc.connector.create.mutationOptions({ onSuccess: () => (refresh(), setFormKey((k) => k + 1)) }),
  );
  const update = useMutation(trpc.connector.update.mutationOptions({ onSuccess: () => (refresh(), setEditing(null)) }));
  const pause = useMutation(trpc.connector.pause.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(trpc.connector.resume.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(
    trpc.connector.delete.mutationOptions({ onSuccess: () => (refresh(), setDeleting(null)) }),
  );
  const dataset = useSearchParams().get("dataset") ?? "";

  if (!perms.size) return <p className="text-sm text-slate-500">Loading…</p>;
  if (!allowed) {
    return (
      <ErrorNotice
        title="Stream connectors are managed by admins"
        message="Ask a workspace admin or owner to connect a stream for you."
      />
    );
  }
  const save = (v: ConnectorSubmit) =>
    editing
      ? update.mutate({ id: editing.id, ...v })
      : create.mutate({ ...v, credentials: v.credentials ?? undefined });
  const mutating = pause.isPending || resume.isPending;
  const actionError = pause.error ?? resume.error;
  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <Card className="lg:col-span-2">
        <CardHeader
          title="Stream connectors"
          description={
            <>
              The worker reads each NATS JetStream stream into a streaming dataset, every message exactly once. To push
              events over HTTP instead, see the{" "}
              <Link className="text-indigo-700 underline" href="/docs/integrations">
                integration guide
              </Link>
              .
            </>
          }
        />
        {actionError ? (
          <div className="px-5 pt-4">
            <ErrorNotice message={actionError.message} />
          </div>
        ) : null}
        {list.error ? (
          <CardBody>
            <ErrorNotice title="Connectors not available" message={list.error.message} />
          </CardBody>
        ) : !list.data ? (
          <CardBody>
            <p className="text-sm text-slate-500">Loading…</p>
          </CardBody>
        ) : !list.data.length ? (
          <CardBody>
            <EmptyState title="No connectors yet">
              Connect a NATS JetStream stream with the form; its messages become records of the dataset you name.
            </EmptyState>
          </CardBody>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Connectors">
            {list.data.map((c) => (
              <ConnectorItem
                key={c.id}
                c={c}
                busy={mutating}
                onEdit={() => setEditing(c)}
                onPauseResume={() => (c.state === "paused" ? resume : pause).mutate({ id: c.id })}
                onDelete={() => setDeleting(c)}
              />
            ))}
          </ul>
        )}
      </Card>
      <Card>
        <CardHeader title={editing ? `Edit connector ${editing.stream}` : "New connector"} />
        <CardBody>
          <ConnectorForm
            key={editing ? `edit-${editing.id}` : `new-${formKey}`}
            initial={editing ? valuesOf(editing) : { ...BLANK, datasetName: dataset }}
            editing={!!editing}
            busy={create.isPending || update.isPending}
            serverError={(editing ? update.error : create.error)?.message ?? null}
            submitLabel={editing ? "Save connector" : "Create connector"}
            onSubmit={save}
            onCancel={editing ? () => setEditing(null) : undefined}
          />
        </CardBody>
      </Card>
      <ConfirmDialog
        open={!!deleting}
        tone="danger"
        title={`Delete connector ${deleting?.stream ?? ""}?`}
        confirmLabel="Delete connector"
        busy={remove.isPending}
        error={remove.error?.message}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
        onClose={() => setDeleting(null)}
      >
        <p>
          The worker stops reading this stream. Records already in{" "}
          <span className="font-mono">{deleting?.datasetName ?? "the dataset"}</span> stay; its stored credentials are
          removed.
        </p>
      </ConfirmDialog>
    </div>
  );
}
