"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge } from "@scrollintel/ui/badge";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { TableHead } from "@scrollintel/ui/table-head";
import { formatBytes, formatCount, formatTime } from "@/components/format";
import { useTRPC } from "@/trpc/client";

const RUNNING = ["QUEUED", "RUNNING"];
const TONE: Record<string, "success" | "danger" | "info"> = { SUCCEEDED: "success", FAILED: "danger" };

/** A counter's figures: "before → after" with the exact correction, or just the figure when nothing changed. */
function Counter({ c }: { c: { before: string; after: string } }) {
  if (c.before === c.after) return <span>{formatBytes(BigInt(c.after))}</span>;
  const change = BigInt(c.after) - BigInt(c.before);
  return (
    <span className="font-medium text-amber-700">
      {formatBytes(BigInt(c.before))} → {formatBytes(BigInt(c.after))}{" "}
      <span className="text-xs">
        ({change > 0n ? "+" : "−"}
        {formatCount(change < 0n ? -change : change)} B)
      </span>
    </span>
  );
}

/** Storage reconciliation for the operator: run it now and read the last report, tenant by tenant. */
export function ReconciliationCard() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const report = useQuery({
    ...trpc.admin.reconciliationReport.queryOptions(),
    refetchInterval: (q) => (RUNNING.includes(q.state.data?.status ?? "") ? 2000 : false),
  });
  const run = useMutation(
    trpc.admin.runReconciliation.mutationOptions({ onSuccess: () => void qc.invalidateQueries() }),
  );
  const r = report.data;
  const busy = run.isPending || RUNNING.includes(r?.status ?? "");
  return (
    <Card data-testid="reconciliation">
      <CardHeader
        title="Storage reconciliation"
        description="Counters against the objects in storage; orphans past the grace period removed, drift corrected and audited."
        actions={
          <Button size="sm" disabled={busy} onClick={() => run.mutate()}>
            {busy ? "Running…" : "Run now"}
          </Button>
        }
      />
      {run.error ? (
        <CardBody>
          <ErrorNotice message={run.error.message} />
        </CardBody>
      ) : null}
      <CardBody className="text-sm text-slate-600">
        {r ? (
          <span>
            Last run <Badge tone={TONE[r.status] ?? "info"}>{r.status.toLowerCase()}</Badge> · {r.trigger} ·{" "}
            {formatTime(r.createdAt)}
            {r.finishedAt ? ` → ${formatTime(r.finishedAt)}` : ""}
            {r.error ? ` · ${r.error}` : ""}
          </span>
        ) : (
          "No run yet: it runs nightly, or now with Run now."
        )}
      </CardBody>
      {r?.tenants.length ? (
        <div className="overflow-x-auto" tabIndex={0}>
          <table className="w-full whitespace-nowrap text-sm">
            <TableHead labels={["Tenant", "Objects", "Used", "Reserved", "Orphans removed", "Kept (young)", "Notes"]} />
            <tbody className="divide-y divide-slate-100">
              {r.tenants.map((f) => (
                <tr key={f.tenantId} data-testid="reconciliation-row">
                  <td className="px-5 py-2 font-mono text-xs">{f.slug}</td>
                  <td className="px-5 py-2 tabular-nums">
                    {f.objects} · {formatBytes(BigInt(f.bytes))}
                  </td>
                  <td className="px-5 py-2 tabular-nums">
                    <Counter c={f.used} />
                  </td>
                  <td className="px-5 py-2 tabular-nums">
                    <Counter c={f.reserved} />
                  </td>
                  <td className="px-5 py-2 tabular-nums">
                    {f.orphansRemoved.count} · {formatBytes(BigInt(f.orphansRemoved.bytes))}
                  </td>
                  <td className="px-5 py-2 tabular-nums">{f.orphansKept}</td>
                  <td className="px-5 py-2 text-xs text-slate-500">
                    {[
                      f.error,
                      f.skipped,
                      f.missing.length ? `${f.missing.length} missing` : null,
                      f.uploadsAborted ? `${f.uploadsAborted} unfinished uploads aborted` : null,
                    ]
                      .filter(Boolean)
                      .join(" · ") || "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Card>
  );
}
