"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Button, buttonVariants } from "@scrollintel/ui/button";
import { useTRPC } from "@/trpc/client";

/**
 * Full-result downloads. Parquet is the stored result, streamed as is; CSV is
 * written once by the worker, then streamed. The browser follows the URL, so
 * nothing of the result passes through this page.
 */
export function DownloadButtons({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const exportCsv = useMutation(trpc.query.export.mutationOptions({ trpc: { context: { skipBatch: true } } }));
  const downloadCsv = async () => {
    setError(null);
    try {
      for (let i = 0; i < 30; i++) {
        const r = await exportCsv.mutateAsync({ id: runId, format: "csv", waitMs: 20_000 });
        if (r.status === "READY" && r.url) {
          window.location.assign(r.url);
          return;
        }
        if (r.status === "FAILED") throw new Error(r.error ?? "Export failed.");
      }
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div className="flex items-center gap-2">
      <span className="text-xs text-slate-500">Download</span>
      <Button variant="secondary" size="sm" onClick={() => void downloadCsv()} disabled={exportCsv.isPending}>
        {exportCsv.isPending ? "Preparing CSV…" : "CSV"}
      </Button>
      <a
        className={buttonVariants({ variant: "secondary", size: "sm" })}
        href={`/api/queries/${runId}/download?format=parquet`}
        download
      >
        Parquet
      </a>
      {error ? (
        <span role="alert" className="text-xs text-rose-700">
          {error}
        </span>
      ) : null}
    </div>
  );
}
