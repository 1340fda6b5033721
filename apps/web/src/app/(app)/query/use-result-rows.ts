"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { GridRow, GridSort } from "@scrollintel/ui/data-grid";
import { useTRPC } from "@/trpc/client";

/** Must match core's RESULT_PAGE_ROWS: the server answers pages of this many rows. */
export const PAGE_ROWS = 500;

/**
 * The rows of one result, fetched a page at a time as the grid scrolls
 * (query.page; the worker reads pages past the preview from the stored
 * result). Changing the sort starts over; result order starts from the
 * preview rows already on the run.
 */
export function useResultRows(opts: { runId: string; rowCount: number; preview: GridRow[]; sort: GridSort | null }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [pages, setPages] = useState<Map<number, GridRow[]>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const asked = useRef(new Set<number>());
  const { runId, rowCount, preview, sort } = opts;

  useEffect(() => {
    const seeded = new Map<number, GridRow[]>();
    if (!sort) {
      const covered = preview.length >= rowCount;
      for (let p = 0; p * PAGE_ROWS < preview.length; p++) {
        const rows = preview.slice(p * PAGE_ROWS, (p + 1) * PAGE_ROWS);
        if (rows.length === PAGE_ROWS || covered) seeded.set(p, rows);
      }
    }
    asked.current = new Set(seeded.keys());
    setPages(seeded);
    setError(null);
  }, [runId, rowCount, preview, sort]);

  const load = useCallback(
    async (page: number) => {
      for (let attempt = 0; attempt < 10; attempt++) {
        const r = await qc.fetchQuery(
          trpc.query.page.queryOptions(
            { id: runId, page, sort: sort ?? null, waitMs: 10_000 },
            { trpc: { context: { skipBatch: true } }, staleTime: Infinity },
          ),
        );
        if (r.status === "READY") {
          setPages((m) => new Map(m).set(page, r.rows));
          return;
        }
      }
      throw new Error("The result page did not arrive; scroll again to retry.");
    },
    [qc, trpc, runId, sort],
  );

  const onVisibleRangeChange = useCallback(
    (first: number, last: number) => {
      const from = Math.floor(first / PAGE_ROWS);
      const to = Math.floor(Math.min(last + PAGE_ROWS / 2, rowCount - 1) / PAGE_ROWS);
      for (let p = from; p <= to; p++) {
        if (asked.current.has(p)) continue;
        asked.current.add(p);
        load(p).catch((e: unknown) => {
          asked.current.delete(p);
          setError(e instanceof Error ? e.message : String(e));
        });
      }
    },
    [load, rowCount],
  );

  const getRow = useCallback((i: number) => pages.get(Math.floor(i / PAGE_ROWS))?.[i % PAGE_ROWS], [pages]);
  return { getRow, onVisibleRangeChange, error };
}
