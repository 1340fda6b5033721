"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback } from "react";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { DropZone } from "@scrollintel/ui/drop-zone";
import { UnfinishedUploadList } from "@scrollintel/ui/unfinished-upload-list";
import { UploadList } from "@scrollintel/ui/upload-list";
import { UploadSummary } from "@scrollintel/ui/upload-summary";
import { formatBytes } from "@/components/format";
import { useTRPC } from "@/trpc/client";
import { UploadQuotaCard } from "./upload-quota-card";
import { rateLabel, toRow, toUnfinishedRow, totals } from "./upload-rows";
import { useTusUploads } from "./use-tus-uploads";
import { useUnfinishedUploads } from "./use-unfinished-uploads";

export default function UploadPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const quota = useQuery(trpc.quota.get.queryOptions());
  const { unfinished, refreshUnfinished, discard } = useUnfinishedUploads();
  const onChange = useCallback(() => {
    void qc.invalidateQueries();
    void refreshUnfinished();
  }, [qc, refreshUnfinished]);
  const { uploads, add, pause, resume, cancel } = useTusUploads(onChange);
  const sum = totals(uploads);
  // Bytes of files the server has not accepted yet; accepted ones are already reserved.
  const pending = uploads.filter((u) => u.state === "queued").reduce((s, u) => s + BigInt(u.total), 0n);

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <Card className="lg:col-span-2">
        <CardHeader
          title="Upload files"
          description="CSV files of any size, up to 1 TB each. Uploads resume where they stopped: after a lost connection, a pause, or a reload of this page."
        />
        <CardBody className="space-y-4">
          <UnfinishedUploadList
            rows={unfinished.map(toUnfinishedRow)}
            onDiscard={(key) => void discard(key).then(onChange)}
          />
          <DropZone onFiles={add} hint="Drop several files at once; each uploads on its own." />
          {sum.live.length ? (
            <UploadSummary
              sentLabel={formatBytes(sum.sent)}
              totalLabel={formatBytes(sum.total)}
              percent={sum.total ? (sum.sent / sum.total) * 100 : 0}
              rateLabel={rateLabel(sum.total - sum.sent, sum.bytesPerSec)}
              done={sum.done}
              files={sum.live.length}
            />
          ) : null}
          <UploadList rows={uploads.map(toRow)} onPause={pause} onResume={resume} onCancel={cancel} />
          {sum.done ? (
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
      <UploadQuotaCard quota={quota.data} pendingBytes={pending} />
    </div>
  );
}
