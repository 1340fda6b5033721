"use client";
import { useState } from "react";
import { Button } from "@scrollintel/ui/button";
import { DataGrid, type GridColumn, type GridRow, type GridSort } from "@scrollintel/ui/data-grid";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { formatCount } from "@/components/format";
import { useResultRows } from "./use-result-rows";

/** Rows one scroll area holds; browsers cap element heights, so bigger results are shown a window at a time. */
const WINDOW_ROWS = 200_000;

/** Every row of a result, scrolled through page by page, sortable by any column (on the worker). */
export function ResultGrid(props: { runId: string; columns: GridColumn[]; rowCount: number; preview: GridRow[] }) {
  const [sort, setSort] = useState<GridSort | null>(null);
  const [windowStart, setWindowStart] = useState(0);
  const rows = useResultRows({ runId: props.runId, rowCount: props.rowCount, preview: props.preview, sort });
  const inWindow = Math.min(WINDOW_ROWS, props.rowCount - windowStart);
  const cycleSort = (column: string) => {
    setWindowStart(0);
    setSort((s) => (s?.column !== column ? { column, desc: false } : !s.desc ? { column, desc: true } : null));
  };
  return (
    <div className="space-y-2">
      <DataGrid
        key={`${props.runId}:${sort?.column ?? ""}:${sort?.desc ?? ""}:${windowStart}`}
        columns={props.columns}
        rowCount={inWindow}
        firstRowNumber={windowStart + 1}
        getRow={(i) => rows.getRow(windowStart + i)}
        onVisibleRangeChange={(first, last) => rows.onVisibleRangeChange(windowStart + first, windowStart + last)}
        sort={sort}
        onSort={cycleSort}
      />
      {rows.error ? <ErrorNotice title="Could not load rows" message={rows.error} /> : null}
      {props.rowCount > WINDOW_ROWS ? (
        <div className="flex items-center gap-3 text-sm text-slate-600">
          <Button
            variant="secondary"
            size="sm"
            disabled={windowStart === 0}
            onClick={() => setWindowStart((w) => Math.max(0, w - WINDOW_ROWS))}
          >
            Previous rows
          </Button>
          <span>
            Rows {formatCount(windowStart + 1)}–{formatCount(windowStart + inWindow)} of {formatCount(props.rowCount)}
          </span>
          <Button
            variant="secondary"
            size="sm"
            disabled={windowStart + WINDOW_ROWS >= props.rowCount}
            onClick={() => setWindowStart((w) => w + WINDOW_ROWS)}
          >
            Next rows
          </Button>
        </div>
      ) : null}
    </div>
  );
}
