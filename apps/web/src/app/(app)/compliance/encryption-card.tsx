"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@scrollintel/ui/badge";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ConfirmDialog } from "@scrollintel/ui/confirm-dialog";
import { ProgressBar } from "@scrollintel/ui/progress-bar";
import { plural } from "@scrollintel/shared/numbers";
import { formatTime } from "@/components/format";
import { useTRPC } from "@/trpc/client";

/** Encryption at rest for the workspace: the data key in use, its rotations and the re-encrypt progress. */
export function EncryptionCard() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const status = useQuery({
    ...trpc.compliance.encryption.queryOptions(),
    refetchInterval: (q) => (q.state.data?.rotation?.status === "RUNNING" ? 3000 : false),
  });
  const rotate = useMutation(
    trpc.compliance.rotateKey.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        void qc.invalidateQueries(trpc.compliance.encryption.queryFilter());
      },
    }),
  );
  const s = status.data;
  if (!s) return null;
  const r = s.rotation;
  const running = r?.status === "RUNNING";
  const pct = r && r.objectsTotal ? (100 * r.objectsDone) / r.objectsTotal : 0;
  return (
    <Card data-testid="encryption">
      <CardHeader
        title="Encryption at rest"
        description="Every stored object is sealed with AES-256-GCM under this workspace's data key, itself wrapped by the deployment's master key."
        actions={
          s.enabled ? (
            <Button size="sm" disabled={running || rotate.isPending} onClick={() => setConfirming(true)}>
              {running ? "Rotating…" : "Rotate data key"}
            </Button>
          ) : null
        }
      />
      <CardBody className="space-y-2 text-sm">
        {!s.enabled ? (
          <p className="text-slate-600">Storage encryption is off on this deployment.</p>
        ) : (
          <p>
            Data key version{" "}
            <span className="font-medium tabular-nums">{s.currentVersion ?? "— (made on first write)"}</span>
            {s.keys[0] ? <span className="text-slate-500"> · created {formatTime(s.keys[0].createdAt)}</span> : null}
            {s.keys.length > 1 ? (
              <span className="text-slate-500">
                {" "}
                · older versions in use:{" "}
                {s.keys
                  .slice(1)
                  .map((k) => k.version)
                  .join(", ")}
              </span>
            ) : null}
          </p>
        )}
        {r ? (
          <div className="space-y-1" data-testid="key-rotation">
            <p>
              Last rotation to version {r.toVersion}{" "}
              <Badge tone={running ? "info" : "success"}>{running ? "re-encrypting" : "done"}</Badge>
              <span className="text-slate-500">
                {" "}
                · started {formatTime(r.startedAt)}
                {r.finishedAt ? ` · finished ${formatTime(r.finishedAt)}` : ""}
              </span>
            </p>
            {running ? (
              <>
                <ProgressBar value={pct} label="Objects re-encrypted" className="max-w-md" />
                <p className="text-slate-600 tabular-nums">
                  {r.objectsTotal
                    ? `${r.objectsDone.toLocaleString("en-US")} of ${plural(r.objectsTotal, "object")} checked`
                    : "Listing the workspace's objects…"}
                  {r.uploadsWaiting ? ` · waiting for ${plural(r.uploadsWaiting, "upload")} in progress` : ""}
                </p>
              </>
            ) : r.retiredVersions.length ? (
              <p className="text-slate-600">Retired versions: {r.retiredVersions.join(", ")}</p>
            ) : null}
          </div>
        ) : null}
      </CardBody>
      <ConfirmDialog
        open={confirming}
        title="Rotate the workspace's data key?"
        confirmLabel="Rotate key"
        busy={rotate.isPending}
        error={rotate.error?.message ?? null}
        onConfirm={() => rotate.mutate()}
        onClose={() => setConfirming(false)}
      >
        <p className="text-sm text-slate-600">
          A new key version seals every new object at once. A background job then re-encrypts the existing objects under
          it and retires the old version when none uses it. Reading and uploading continue meanwhile.
        </p>
      </ConfirmDialog>
    </Card>
  );
}
