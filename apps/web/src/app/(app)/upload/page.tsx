"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useState } from "react";
import { ZIngestOptions } from "@scrollintel/core/ingest-options";
import type { UploadIntake } from "@scrollintel/core/intake-options";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { DropZone } from "@scrollintel/ui/drop-zone";
import { EmptyState } from "@scrollintel/ui/empty-state";
import { UnfinishedUploadList } from "@scrollintel/ui/unfinished-upload-list";
import { UploadList } from "@scrollintel/ui/upload-list";
import { UploadSummary } from "@scrollintel/ui/upload-summary";
import { formatBytes } from "@/components/format";
import { usePermissions } from "@/components/use-permissions";
import { optionsProblem, ReadingOptionsForm } from "@/components/reading-options-form";
import { useTRPC } from "@/trpc/client";
import { IntakeChoice } from "./intake-choice";
import { UploadQuotaCard } from "./upload-quota-card";
import { rateLabel, toRow, toUnfinishedRow, totals } from "./upload-rows";
import { useTusUploads } from "./use-tus-uploads";
import { useUnfinishedUploads } from "./use-unfinished-uploads";

/** What the page accepts, in one place: the formats the worker detects and the compressions it unpacks. */
const ACCEPTS =
  "CSV (or TSV and other delimited text), JSON (an array, NDJSON / JSON Lines, or one document) and Parquet, each plain or compressed with gzip or zstd";

export default function UploadPage() {
  const perms = usePermissions();
  const trpc = useTRPC();
  const me = useQuery(trpc.tenant.me.queryOptions());
  if (me.data && !perms.has("upload.create")) return <NoUploads />;
  return <UploadPanel />;
}

/** A viewer (or a member whose role lost uploads) sees why, not a form that will be refused. */
function NoUploads() {
  return (
    <Card>
      <CardHeader title="Upload files" />
      <CardBody>
        <EmptyState title="Your role cannot upload files">
          Viewers read datasets and query results. Ask an owner or admin of this workspace for the analyst role to
          upload.
        </EmptyState>
      </CardBody>
    </Card>
  );
}

function UploadPanel() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const quota = useQuery(trpc.quota.get.queryOptions());
  const { unfinished, seen, refreshUnfinished, discard } = useUnfinishedUploads();
  const onChange = useCallback(() => {
    void qc.invalidateQueries();
    void refreshUnfinished();
  }, [qc, refreshUnfinished]);
  const [reading, setReading] = useState(() => ZIngestOptions.parse({}));
  const problem = optionsProblem(reading);
  const { uploads, add, pause, resume, cancel } = useTusUploads(onChange, reading);
  // The browser previews and asks by default; the API's defaults start at once (docs/integrations.md).
  const [intake, setIntake] = useState<UploadIntake>({ review: true, onDuplicate: "ask" });
  const finished = uploads.filter((u) => u.state === "done" && u.datasetId);
  // Uploads this tab runs (or ran) are in the list below, not among the ones an earlier page left behind.
  const inThisTab = new Set(uploads.map((u) => u.uploadUrl).filter(Boolean));
  const sum = totals(uploads);
  // Bytes of files the server has not accepted yet; accepted ones are already reserved.
  const pending = uploads.filter((u) => u.state === "queued").reduce((s, u) => s + BigInt(u.total), 0n);

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <Card className="lg:col-span-2">
        <CardHeader
          title="Upload files"
          description={`${ACCEPTS}${quota.data ? `, up to ${formatBytes(quota.data.maxFileBytes)} each` : ""}. Uploads resume where they stopped: after a lost connection, a pause, or a reload of this page.`}
        />
        <CardBody className="space-y-4">
          {/* data-seen: how many unfinished uploads the last check found, this tab's own included. */}
          <div data-testid="unfinished-uploads" data-seen={seen.length}>
            <UnfinishedUploadList
              rows={unfinished.filter((u) => !inThisTab.has(u.uploadUrl)).map(toUnfinishedRow)}
              onDiscard={(key) => void discard(key).then(onChange)}
            />
          </div>
          <IntakeChoice value={intake} onChange={setIntake} />
          <details className="rounded-md border border-slate-200 px-3 py-2" data-testid="upload-reading-options">
            <summary className="cursor-pointer text-sm font-medium text-slate-700">
              Reading options (encoding, delimiter, JSON layout…): detected unless set here
            </summary>
            <div className="pt-3">
              <ReadingOptionsForm value={reading} onChange={setReading} />
            </div>
          </details>
          <DropZone
            onFiles={(files) => (problem ? undefined : add(files, intake))}
            hint={problem ? "Fix the reading options first." : "Drop several files at once; each uploads on its own."}
          />
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
            <div className="space-y-1 text-sm text-slate-600" data-testid="finished-uploads">
              <p>
                {intake.review ? "Finished files wait for your review" : "Finished files are being converted"}. See them
                on the{" "}
                <Link className="text-indigo-700 underline" href="/datasets">
                  Datasets
                </Link>{" "}
                page, or open one:
              </p>
              <ul className="flex flex-wrap gap-x-4">
                {finished.map((u) => (
                  <li key={u.id}>
                    <Link className="text-indigo-700 underline" href={`/datasets/${u.datasetId}`}>
                      {u.file.name}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </CardBody>
      </Card>
      <UploadQuotaCard quota={quota.data} pendingBytes={pending} />
    </div>
  );
}
