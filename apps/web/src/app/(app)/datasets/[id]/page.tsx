"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { use } from "react";
import { VERSION_STATUS } from "@scrollintel/shared/ingest-status";
import { INTAKE_STATUS, INTAKE_STATUSES } from "@scrollintel/core/intake-options";
import { buttonVariants } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { DataGrid } from "@scrollintel/ui/data-grid";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { formatBytes, plural } from "@/components/format";
import { newQueryHref } from "@/components/new-query-href";
import { StatusBadge } from "@/components/status-badge";
import { usePermissions } from "@/components/use-permissions";
import { useTRPC } from "@/trpc/client";
import { accountingOf } from "./accounting-line";
import { AppendUpload } from "./append-upload";
import { AccessPanel } from "./access-panel";
import { ArchivePanel } from "./archive-panel";
import { AwaitingConfirmation } from "./awaiting-confirmation";
import { ColumnProfiles } from "./column-profiles";
import { DatasetActions } from "./dataset-actions";
import { LIVE_STATUSES } from "./dataset-types";
import { IngestProgress } from "./ingest-progress";
import { IntakePanel } from "./intake-panel";
import { RejectsTable } from "./rejects-table";
import { SchemaEditor } from "./schema-editor";
import { StreamPanel } from "./stream-panel";
import { VersionActions } from "./version-actions";
import { VersionList } from "./version-list";
import { ARCHIVE_STATUS, MOVING } from "@scrollintel/shared/archive-status";

/** Said wherever a count would be of rows the reader's row filter leaves out. */
const ROWS_HIDDEN = "rows hidden by your access policy";

export default function DatasetPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  const trpc = useTRPC();
  // Viewers read the dataset; appending and re-ingesting are not offered to a role that would be refused.
  const perms = usePermissions();
  const ds = useQuery({
    ...trpc.dataset.get.queryOptions({ id }),
    // Live progress: poll while any version is queued, running or being previewed, or the dataset moves between tiers;
    // a stream's rows grow with each compaction, so its page follows them as its stream panel does (every 5 s).
    refetchInterval: (q) =>
      q.state.data?.versions.some((v) => LIVE_STATUSES.includes(v.status) || v.status === INTAKE_STATUS.inspecting) ||
      (MOVING as readonly string[]).includes(q.state.data?.archiveStatus ?? "")
        ? 1000
        : q.state.data?.streaming
          ? 5000
          : false,
  });
  if (ds.error) return <ErrorNotice title="Dataset not available" message={ds.error.message} />;
  if (!ds.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const d = ds.data;
  const cur = d.current;
  const latest = d.versions[0];
  const live = d.versions.filter((v) => LIVE_STATUSES.includes(v.status));
  const failed =
    latest?.status === VERSION_STATUS.FAILED && latest.error ? { version: latest.version, error: latest.error } : null;
  const awaiting = d.versions.filter((v) => v.status === VERSION_STATUS.AWAITING_CONFIRMATION);
  // Versions before their ingest: a preview to review or a duplicate to decide.
  const intake = d.versions.filter((v) => (INTAKE_STATUSES as readonly string[]).includes(v.status));
  const warm = d.archiveStatus === ARCHIVE_STATUS.WARM;
  // A stream has no append form: its header body would be empty unless something else shows there.
  const headerBody =
    live.length > 0 || failed !== null || awaiting.length > 0 || (d.readyVersion !== null && !d.streaming) || !warm;
  const accounting = cur ? accountingOf(cur) : null;
  const detected =
    ((d.latestDetected.columns as { name: string; type: string }[] | undefined) ?? latest?.columns) || [];
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title={<span className="font-mono">{d.name}</span>}
          description={
            cur && intake.some((v) => v.id === cur.id)
              ? `Version ${cur.version} · ${formatBytes(cur.sourceBytes)} uploaded · not ingested yet`
              : cur
                ? `Version ${cur.version} · ${cur.rowCount === null ? ROWS_HIDDEN : plural(cur.rowCount, "row")}${accounting ? ` (${accounting})` : ""} · ${formatBytes(cur.sourceBytes)} uploaded · ${formatBytes(cur.storedBytes)} as Parquet`
                : undefined
          }
          actions={
            <>
              <StatusBadge status={d.status} />
              {d.readyVersion !== null && warm ? (
                <Link
                  href={newQueryHref(d.name)}
                  className={buttonVariants({ size: "sm" })}
                  title={`New query from ${d.name}`}
                >
                  New query
                </Link>
              ) : null}
              <DatasetActions id={d.id} name={d.name} />
            </>
          }
        />
        {headerBody ? (
          <CardBody className="space-y-4">
            {live.map((v) => (
              <IngestProgress key={v.id} version={v} />
            ))}
            {awaiting.map((v) => (
              <AwaitingConfirmation key={v.id} version={v} />
            ))}
            {failed ? (
              <div className="space-y-1">
                <ErrorNotice title={`Version ${failed.version} failed`} message={failed.error} />
                {warm ? (
                  <a href="#reading-options" className="text-sm text-indigo-700 underline">
                    Change the reading options and re-ingest
                  </a>
                ) : null}
              </div>
            ) : null}
            <ArchivePanel
              datasetId={d.id}
              archiveStatus={d.archiveStatus}
              archivedAt={d.archivedAt}
              archiveError={d.archiveError}
              progress={d.archiveProgress}
            />
            {d.readyVersion !== null && latest && warm && !d.streaming && perms.has("upload.create") ? (
              <AppendUpload datasetId={d.id} options={latest.options} />
            ) : null}
          </CardBody>
        ) : null}
      </Card>
      {d.streaming ? <StreamPanel datasetId={d.id} datasetName={d.name} /> : null}
      {intake.map((v) => (
        <IntakePanel key={v.id} version={v} />
      ))}
      {latest && warm && !intake.includes(latest) && !d.streaming && perms.has("dataset.write") ? (
        <SchemaEditor key={latest.id} from={latest} detected={detected} />
      ) : null}
      {cur?.status === VERSION_STATUS.READY ? <ColumnProfiles profile={cur.profile} /> : null}
      {d.readyVersion !== null ? <AccessPanel datasetId={d.id} /> : null}
      {awaiting.map((v) => (
        <RejectsTable
          key={v.id}
          versionId={v.id}
          total={v.rejectedRows}
          title={`Skipped rows of version ${v.version}`}
        />
      ))}
      {cur &&
      cur.rejectedRows !== null &&
      cur.rejectedRows > 0n &&
      !awaiting.some((v) => v.id === cur.id) &&
      !d.streaming ? (
        <RejectsTable versionId={cur.id} total={cur.rejectedRows} />
      ) : null}
      {d.access.rowFilters.length && d.readyVersion !== null ? (
        <p className="text-sm text-slate-600" data-testid="rows-filtered-note">
          First rows are not shown because a row filter applies to you; query the dataset to see your rows.
        </p>
      ) : null}
      {Array.isArray(d.preview) && d.preview.length ? (
        <Card>
          <CardHeader title="First rows" />
          <CardBody>
            <DataGrid columns={cur?.columns ?? []} rows={d.preview as Record<string, unknown>[]} height={360} />
          </CardBody>
        </Card>
      ) : null}
      <VersionList
        versions={d.versions}
        readyVersion={d.readyVersion}
        actions={(v) => (
          <VersionActions
            datasetId={d.id}
            version={v}
            queried={v.version === d.readyVersion}
            otherReady={d.versions.some((o) => o.status === "READY" && o.version !== v.version)}
          />
        )}
      />
    </div>
  );
}
