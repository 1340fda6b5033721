"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent } from "react";
import { Button } from "@scrollintel/ui/button";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input, Label } from "@scrollintel/ui/input";
import type { QuotaLimits } from "@scrollintel/core/services/tenant-admin-service";
import { useTRPC } from "@/trpc/client";

const GB = 1024 ** 3;

/** The limits the editor changes, for one tenant. */
type QuotaRow = QuotaLimits & { tenantId: string };

const gb = (b: bigint) => String(Math.round((Number(b) / GB) * 100) / 100);
const bytes = (v: FormDataEntryValue | null) => BigInt(Math.round(Number(v ?? 0) * GB));

/** The form's fields: name, label, shown value, smallest value, and whether fractions are allowed. */
function fields(q: QuotaRow): Array<[name: string, label: string, value: string | number, min: number, any?: true]> {
  return [
    ["storageBytesLimit", "Storage (GiB)", gb(q.storageBytesLimit), 0, true],
    ["maxFileBytes", "Largest file (GiB)", gb(q.maxFileBytes), 0, true],
    ["ingestBytesMonthLimit", "Ingest per month (GiB)", gb(q.ingestBytesMonthLimit), 0, true],
    ["scanBytesMonthLimit", "Scan per month (GiB)", gb(q.scanBytesMonthLimit), 0, true],
    ["concurrentJobsLimit", "Concurrent jobs", q.concurrentJobsLimit, 0],
    ["apiRequestsPerMinute", "API requests / minute", q.apiRequestsPerMinute, 0],
    ["queryMemoryLimitMb", "Query memory (MiB)", q.queryMemoryLimitMb, 64],
    ["queryTimeoutSec", "Query time limit (s)", q.queryTimeoutMs / 1000, 0.1, true],
    ["querySpillBytesLimit", "Query spill (GiB)", gb(q.querySpillBytesLimit), 0, true],
    ["resultRowsLimit", "Result rows", String(q.resultRowsLimit), 1],
    ["resultBytesLimit", "Result size (GiB)", gb(q.resultBytesLimit), 0, true],
    ["workerSlots", "Worker slots", q.workerSlots, 1],
  ];
}

/** Edits one tenant's limits; the change applies at the next check in every process. */
export function QuotaEditor({ quota, onDone }: { quota: QuotaRow; onDone: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const save = useMutation(
    trpc.admin.updateQuota.mutationOptions({
      onSuccess: () => {
        void qc.invalidateQueries();
        onDone();
      },
    }),
  );
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    save.mutate({
      tenantId: quota.tenantId,
      storageBytesLimit: bytes(f.get("storageBytesLimit")),
      maxFileBytes: bytes(f.get("maxFileBytes")),
      ingestBytesMonthLimit: bytes(f.get("ingestBytesMonthLimit")),
      scanBytesMonthLimit: bytes(f.get("scanBytesMonthLimit")),
      concurrentJobsLimit: Number(f.get("concurrentJobsLimit")),
      apiRequestsPerMinute: Number(f.get("apiRequestsPerMinute")),
      queryMemoryLimitMb: Number(f.get("queryMemoryLimitMb")),
      queryTimeoutMs: Math.round(Number(f.get("queryTimeoutSec")) * 1000),
      querySpillBytesLimit: bytes(f.get("querySpillBytesLimit")),
      resultRowsLimit: BigInt(String(f.get("resultRowsLimit") ?? "1")),
      resultBytesLimit: bytes(f.get("resultBytesLimit")),
      workerSlots: Number(f.get("workerSlots")),
    });
  }
  return (
    <form onSubmit={onSubmit} className="grid gap-3 bg-slate-50 p-4 md:grid-cols-4" aria-label="Edit quotas">
      {fields(quota).map(([name, label, value, min, any]) => (
        <div key={name}>
          <Label htmlFor={`${quota.tenantId}-${name}`}>{label}</Label>
          <Input
            id={`${quota.tenantId}-${name}`}
            name={name}
            type="number"
            min={min}
            step={any ? "any" : undefined}
            defaultValue={value}
            required
          />
        </div>
      ))}
      <div className="flex items-end gap-2 md:col-span-4">
        <Button type="submit" disabled={save.isPending}>
          Save quotas
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
      {save.error ? (
        <div className="md:col-span-4">
          <ErrorNotice message={save.error.message} />
        </div>
      ) : null}
    </form>
  );
}
