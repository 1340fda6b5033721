"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { LazyResultChart as ResultChart } from "@scrollintel/ui/lazy-charts";
import { formatBytes, formatCount, plural } from "@/components/format";
import { BytesMeter, StorageMeter } from "@/components/storage-meter";
import { MIB } from "@scrollintel/shared/bytes";
import { useTRPC } from "@/trpc/client";
import { RetentionCard } from "./retention-card";

export default function UsagePage() {
  const trpc = useTRPC();
  // Both read the live ledger and monthly totals; refreshed together so the charts never trail the totals.
  const summary = useQuery({ ...trpc.usage.summary.queryOptions(), refetchInterval: 15_000 });
  const daily = useQuery({ ...trpc.usage.daily.queryOptions({ days: 30 }), refetchInterval: 15_000 });
  if (summary.error) return <ErrorNotice message={summary.error.message} />;
  const s = summary.data;
  const q = s?.quota;
  const today = daily.data?.at(-1);
  const series = (daily.data ?? []).map((d) => ({
    day: String(d.day).slice(5),
    "ingested MiB": Math.round(Number(d.INGEST_BYTES ?? 0) / MIB),
    "scanned MiB": Math.round(Number(d.SCAN_BYTES ?? 0) / MIB),
    queries: Number(d.QUERIES ?? 0),
  }));
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Quotas" description={s ? `This month (${s.month}) and now` : undefined} />
        <CardBody className="grid gap-6 md:grid-cols-3">
          {s && q ? (
            <>
              <StorageMeter label="Storage" quota={q} />
              <BytesMeter label="Ingested this month" used={s.ingestBytes} limit={q.ingestBytesMonthLimit} />
              <BytesMeter label="Scanned by queries this month" used={s.scanBytes} limit={q.scanBytesMonthLimit} />
              <dl className="grid grid-cols-2 gap-2 text-sm md:col-span-3 md:grid-cols-4">
                <div>
                  <dt className="text-slate-500">Largest file</dt>
                  <dd className="font-medium">{formatBytes(q.maxFileBytes)}</dd>
                </div>
                <div>
                  <dt className="text-slate-500">Jobs running / limit</dt>
                  <dd className="font-medium">
                    {s.activeJobs} / {q.concurrentJobsLimit}
                  </dd>
                </div>
                <div>
                  <dt className="text-slate-500">API requests per minute</dt>
                  <dd className="font-medium">{formatCount(q.apiRequestsPerMinute)}</dd>
                </div>
                <div>
                  <dt className="text-slate-500">Queries this month</dt>
                  <dd className="font-medium">{formatCount(s.queries)}</dd>
                </div>
              </dl>
            </>
          ) : (
            <p className="text-sm text-slate-500">Loading…</p>
          )}
        </CardBody>
      </Card>
      {today ? (
        <p className="text-sm text-slate-600" data-testid="usage-today">
          Today (UTC): {plural(Number(today.QUERIES ?? 0), "query", "queries")} ·{" "}
          {formatBytes(Number(today.INGEST_BYTES ?? 0))} ingested · {formatBytes(Number(today.SCAN_BYTES ?? 0))} scanned
        </p>
      ) : null}
      <RetentionCard />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Data ingested and scanned per day" description="Last 30 days, MiB" />
          <CardBody>
            <ResultChart kind="bar" data={series} x="day" y={["ingested MiB", "scanned MiB"]} height={260} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Queries per day" description="Last 30 days" />
          <CardBody>
            <ResultChart kind="line" data={series} x="day" y={["queries"]} height={260} />
          </CardBody>
        </Card>
      </div>
    </div>
  );
}
