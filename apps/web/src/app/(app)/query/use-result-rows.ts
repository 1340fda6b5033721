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
  const { runId, rowCount, preview, sort } = opts;
  // Pages belong to one run and one sort; an answer for an earlier sort must not land in this one.
  const view = `${runId}:${sort ? `${sort.column}:${sort.desc}` : ""}`;
  const [pages, setPages] = useState<{ view: string; byPage: Map<number, GridRow[]> }>({ view: "", byPage: new Map() });
  const [error, setError] = useState<string | null>(null);
  const asked = useRef(new Set<number>());

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
    setPages({ view, byPage: seeded });
    setError(null);
  }, [view, rowCount, preview, sort]);

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
          setPages((p) => (p.view === view ? { view, byPage: new Map(p.byPage).set(page, r.rows) } : p));
          return;
        }
      }
      throw new Error("The result page did not arrive; scroll again to retry.");
    },
    [qc, trpc, runId, sort, view],
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

  const getRow = useCallback(
    (i: number) => (pages.view === view ? pages.byPage.get(Math.floor(i / PAGE_ROWS))?.[i % PAGE_ROWS] : undefined),
    [pages, view],
  );
  return { getRow, onVisibleRangeChange, error };
}
