"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRef, useState, type DragEvent } from "react";
import { percentUsed } from "@scrollintel/core/quota";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { cn } from "@scrollintel/ui/cn";
import { ProgressBar } from "@scrollintel/ui/progress-bar";
import { QuotaMeter } from "@scrollintel/ui/quota-meter";
import { UploadList, type UploadRow } from "@scrollintel/ui/upload-list";
import { formatBytes } from "@/components/format";
import { useTRPC } from "@/trpc/client";
import { useTusUploads, type TrackedUpload } from "./use-tus-uploads";

function eta(u: TrackedUpload): string {
  if (u.state !== "uploading" || u.bytesPerSec <= 0) return "";
  const s = Math.round((u.total - u.sent) / u.bytesPerSec);
  return `${formatBytes(u.bytesPerSec)}/s · ${s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`} left`;
}

function toRow(u: TrackedUpload): UploadRow {
  return {
    id: u.id,
    name: u.file.name,
    sizeLabel: formatBytes(u.file.size),
    percent: u.total ? (u.sent / u.total) * 100 : 0,
    state: u.state,
    detail: u.state === "error" ? (u.error ?? "") : eta(u),
  };
}

export default function UploadPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const quota = useQuery(trpc.quota.get.queryOptions());
  const { uploads, add, pause, resume, cancel } = useTusUploads(() => void qc.invalidateQueries());
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const active = uploads.filter((u) => u.state !== "cancelled");
  const total = active.reduce((s, u) => s + u.total, 0);
  const sent = active.reduce((s, u) => s + u.sent, 0);

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    add([...e.dataTransfer.files]);
  }

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <Card className="lg:col-span-2">
        <CardHeader
          title="Upload files"
          description="CSV files of any size. Uploads resume where they stopped, even after a reload."
        />
        <CardBody className="space-y-4">
          <div
            onDragOver={(e) => {
              e.preventDefault();
              setOver(true);
            }}
            onDragLeave={() => setOver(false)}
            onDrop={onDrop}
            className={cn(
              "flex flex-col items-center justify-center rounded-lg border-2 border-dashed px-6 py-10 text-center transition-colors",
              over ? "border-indigo-500 bg-indigo-50" : "border-slate-300",
            )}
          >
            <p className="text-sm font-medium text-slate-800">Drop files here</p>
            <p className="mt-1 text-xs text-slate-500">or</p>
            <Button className="mt-2" variant="secondary" onClick={() => input.current?.click()}>
              Choose files…
            </Button>
            <input
              ref={input}
              type="file"
              multiple
              className="sr-only"
              data-testid="file-input"
              onChange={(e) => {
                add([...(e.target.files ?? [])]);
                e.target.value = "";
              }}
            />
          </div>
          {active.length ? (
            <div className="space-y-1">
              <div className="flex justify-between text-xs text-slate-600">
                <span>
                  Total: {formatBytes(sent)} of {formatBytes(total)}
                </span>
                <span>
                  {active.filter((u) => u.state === "done").length} of {active.length} files done
                </span>
              </div>
              <ProgressBar value={total ? (sent / total) * 100 : 0} label="Total progress" />
            </div>
          ) : null}
          <UploadList rows={uploads.map(toRow)} onPause={pause} onResume={resume} onCancel={cancel} />
          {uploads.some((u) => u.state === "done") ? (
            <p className="text-sm text-slate-600">
              Finished files are being converted. See them on the{" "}
              <Link className="text-indigo-700 underline" href="/datasets">
                Datasets
              </Link>{" "}
              page.
            </p>
          ) : null}
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Storage" />
        <CardBody className="space-y-3">
          {quota.data ? (
            <>
              <QuotaMeter
                label="Workspace storage"
                percent={percentUsed(
                  quota.data.storageBytesUsed + quota.data.storageBytesReserved,
                  quota.data.storageBytesLimit,
                )}
                usedLabel={formatBytes(quota.data.storageBytesUsed + quota.data.storageBytesReserved)}
                limitLabel={formatBytes(quota.data.storageBytesLimit)}
              />
              <p className="text-xs text-slate-500" data-testid="quota-left">
                {formatBytes(quota.data.storageHeadroom)} left · largest file {formatBytes(quota.data.maxFileBytes)}
              </p>
            </>
          ) : (
            <p className="text-sm text-slate-500">Loading…</p>
          )}
        </CardBody>
      </Card>
    </div>
  );
}
