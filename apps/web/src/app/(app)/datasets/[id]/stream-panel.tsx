"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
// recharts loads after the page, as on every page that charts.
import { LazyRateChart as RateChart } from "@scrollintel/ui/lazy-charts";
import { StatList } from "@scrollintel/ui/stat-list";
import { formatBytes, formatCount, formatDuration, formatTime } from "@/components/format";
import { usePermissions } from "@/components/use-permissions";
import { useTRPC } from "@/trpc/client";
import { EventTimeControl } from "./event-time-control";

const MINUTE = 60_000;

/** The last hour minute by minute, minutes without events as zero. */
function lastHour(perMinute: { minute: Date | string; records: number }[], now: number) {
  const by = new Map(perMinute.map((m) => [new Date(m.minute).getTime(), m.records]));
  const end = Math.floor(now / MINUTE) * MINUTE;
  return Array.from({ length: 60 }, (_, i) => {
    const t = end - (59 - i) * MINUTE;
    return { label: new Date(t).toISOString().slice(11, 16), perSecond: (by.get(t) ?? 0) / 60 };
  });
}

/** A streaming dataset: events per second over the last hour, compaction lag, last event, rejects. */
export function StreamPanel({ datasetId, datasetName }: { datasetId: string; datasetName: string }) {
  const trpc = useTRPC();
  const perms = usePermissions();
  const q = useQuery({ ...trpc.dataset.streamStats.queryOptions({ id: datasetId }), refetchInterval: 5000 });
  if (q.error) return <ErrorNotice title="Stream statistics not available" message={q.error.message} />;
  if (!q.data) return <p className="text-sm text-slate-500">Loading stream…</p>;
  const s = q.data;
  if (!s.streaming) return null;
  const points = lastHour(s.perMinute, q.dataUpdatedAt || Date.now());
  return (
    <Card>
      <CardHeader
        title="Event stream"
        description="Records per second over the last hour (UTC), from POST /api/events and stream connectors."
        actions={
          perms.has("connector.manage") ? (
            <Link
              href={`/connectors?dataset=${encodeURIComponent(datasetName)}`}
              className="text-sm whitespace-nowrap text-indigo-700 underline"
            >
              Stream connectors
            </Link>
          ) : null
        }
      />
      <CardBody className="space-y-4">
        {s.lastEventAt && s.rejectedRecords === null ? (
          <p className="text-sm text-slate-600" data-testid="stream-rows-hidden">
            Record counts are hidden by your access policy: a row filter applies to you. Query the dataset to see your
            rows.
          </p>
        ) : s.lastEventAt ? (
          <RateChart points={points} />
        ) : (
          <p className="text-sm text-slate-600">
            No events yet. Send NDJSON to <code className="font-mono">POST /api/events</code> with an API key that has
            the <code className="font-mono">events:write</code> scope:{" "}
            <Link href="/docs/integrations" className="text-indigo-700 underline">
              integration guide
            </Link>
            .
          </p>
        )}
        <StatList
          className="max-w-md text-sm"
          items={[
            { label: "Last event", value: s.lastEventAt ? formatTime(s.lastEventAt) : "none yet" },
            {
              label: "Not compacted yet",
              value: `${formatCount(s.lag.segments)} batches · ${formatBytes(s.lag.bytes)}`,
            },
            { label: "Compaction lag", value: s.lag.segments ? formatDuration(s.lag.seconds) : "none" },
            {
              label: "Rejected records",
              value: s.rejectedRecords === null ? "hidden by your access policy" : formatCount(s.rejectedRecords),
            },
          ]}
        />
        <EventTimeControl
          key={s.eventTimeColumn ?? ""}
          datasetId={datasetId}
          current={s.eventTimeColumn}
          candidates={s.eventTimeCandidates}
          canEdit={perms.has("dataset.write")}
        />
        {s.recentRejects.length ? (
          <div>
            <h3 className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">Newest rejected records</h3>
            <ol className="divide-y divide-slate-100 rounded border border-slate-200 text-sm">
              {s.recentRejects.map((r) => (
                <li key={`${r.segmentId}-${r.record}`} className="space-y-0.5 px-3 py-2">
                  <p className="text-xs text-slate-500">
                    Record {formatCount(r.record)} of batch{" "}
                    <span className="font-mono">{r.segmentId.slice(0, 10)}</span> · {formatTime(r.at)}
                  </p>
                  <p className="font-mono text-xs break-all text-slate-800" title={r.raw ?? ""}>
                    {r.reason}
                  </p>
                </li>
              ))}
            </ol>
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}
