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
export type QuotaRow = QuotaLimits & { tenantId: string };

const BYTE_FIELDS = [
  ["storageBytesLimit", "Storage (GB)"],
  ["maxFileBytes", "Largest file (GB)"],
  ["ingestBytesMonthLimit", "Ingest per month (GB)"],
  ["scanBytesMonthLimit", "Scan per month (GB)"],
] as const;

const gb = (b: bigint) => String(Math.round((Number(b) / GB) * 100) / 100);
const bytes = (v: FormDataEntryValue | null) => BigInt(Math.round(Number(v ?? 0) * GB));

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
    });
  }
  return (
    <form onSubmit={onSubmit} className="grid gap-3 bg-slate-50 p-4 md:grid-cols-4" aria-label="Edit quotas">
      {BYTE_FIELDS.map(([k, label]) => (
        <div key={k}>
          <Label htmlFor={`${quota.tenantId}-${k}`}>{label}</Label>
          <Input
            id={`${quota.tenantId}-${k}`}
            name={k}
            type="number"
            min={0}
            step="any"
            defaultValue={gb(quota[k])}
            required
          />
        </div>
      ))}
      <div>
        <Label htmlFor={`${quota.tenantId}-jobs`}>Concurrent jobs</Label>
        <Input
          id={`${quota.tenantId}-jobs`}
          name="concurrentJobsLimit"
          type="number"
          min={0}
          defaultValue={quota.concurrentJobsLimit}
          required
        />
      </div>
      <div>
        <Label htmlFor={`${quota.tenantId}-rpm`}>API requests / minute</Label>
        <Input
          id={`${quota.tenantId}-rpm`}
          name="apiRequestsPerMinute"
          type="number"
          min={0}
          defaultValue={quota.apiRequestsPerMinute}
          required
        />
      </div>
      <div>
        <Label htmlFor={`${quota.tenantId}-qmem`}>Query memory (MB)</Label>
        <Input
          id={`${quota.tenantId}-qmem`}
          name="queryMemoryLimitMb"
          type="number"
          min={64}
          defaultValue={quota.queryMemoryLimitMb}
          required
        />
      </div>
      <div>
        <Label htmlFor={`${quota.tenantId}-qtime`}>Query time limit (s)</Label>
        <Input
          id={`${quota.tenantId}-qtime`}
          name="queryTimeoutSec"
          type="number"
          min={0.1}
          step="any"
          defaultValue={quota.queryTimeoutMs / 1000}
          required
        />
      </div>
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
