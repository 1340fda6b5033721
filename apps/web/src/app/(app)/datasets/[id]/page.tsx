"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { use } from "react";
import { buttonVariants } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { DataGrid } from "@scrollintel/ui/data-grid";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { formatBytes, formatCount } from "@/components/format";
import { StatusBadge } from "@/components/status-badge";
import { useTRPC } from "@/trpc/client";
import { AppendUpload } from "./append-upload";
import { ColumnProfiles } from "./column-profiles";
import { LIVE_STATUSES } from "./dataset-types";
import { IngestProgress } from "./ingest-progress";
import { RejectsTable } from "./rejects-table";
import { SchemaEditor } from "./schema-editor";
import { VersionList } from "./version-list";

export default function DatasetPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  const trpc = useTRPC();
  const ds = useQuery({
    ...trpc.dataset.get.queryOptions({ id }),
    // Live progress: poll while any version is queued or running.
    refetchInterval: (q) => (q.state.data?.versions.some((v) => LIVE_STATUSES.includes(v.status)) ? 1000 : false),
  });
  if (ds.error) return <ErrorNotice title="Dataset not available" message={ds.error.message} />;
  if (!ds.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const d = ds.data;
  const cur = d.current;
  const latest = d.versions[0];
  const live = d.versions.filter((v) => LIVE_STATUSES.includes(v.status));
  const failed = latest?.status === "FAILED" && latest.error ? { version: latest.version, error: latest.error } : null;
  const headerBody = live.length > 0 || failed !== null || d.readyVersion !== null;
  const detected =
    ((d.latestDetected.columns as { name: string; type: string }[] | undefined) ?? latest?.columns) || [];
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title={<span className="font-mono">{d.name}</span>}
          description={
            cur
              ? `Version ${cur.version} · ${formatCount(cur.rowCount)} rows · ${formatBytes(cur.sourceBytes)} uploaded · ${formatBytes(cur.storedBytes)} as Parquet`
              : undefined
          }
          actions={
            <>
              <StatusBadge status={d.status} />
              {d.readyVersion !== null ? (
                <Link
                  href={`/query?sql=${encodeURIComponent(`SELECT * FROM ${d.name} LIMIT 100`)}`}
                  className={buttonVariants({ size: "sm" })}
                >
                  Query
                </Link>
              ) : null}
            </>
          }
        />
        {headerBody ? (
          <CardBody className="space-y-4">
            {live.map((v) => (
              <IngestProgress key={v.id} version={v} />
            ))}
            {failed ? <ErrorNotice title={`Version ${failed.version} failed`} message={failed.error} /> : null}
            {d.readyVersion !== null ? <AppendUpload datasetId={d.id} /> : null}
          </CardBody>
        ) : null}
      </Card>
      {latest && detected.length ? <SchemaEditor key={latest.id} from={latest} detected={detected} /> : null}
      {cur?.status === "READY" ? <ColumnProfiles profile={cur.profile} /> : null}
      {cur && cur.rejectedRows > 0n ? <RejectsTable versionId={cur.id} total={cur.rejectedRows} /> : null}
      {Array.isArray(d.preview) && d.preview.length ? (
        <Card>
          <CardHeader title="First rows" />
          <CardBody>
            <DataGrid columns={cur?.columns ?? []} rows={d.preview as Record<string, unknown>[]} height={360} />
          </CardBody>
        </Card>
      ) : null}
      <VersionList versions={d.versions} readyVersion={d.readyVersion} />
    </div>
  );
}
