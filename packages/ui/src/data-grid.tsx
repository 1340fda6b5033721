"use client";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { cn } from "./cn";

export interface GridColumn {
  name: string;
  type?: string;
}

export type GridRow = Record<string, unknown>;

export interface GridSort {
  column: string;
  desc: boolean;
}

const ROW_HEIGHT = 32;

function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/**
 * A virtualised grid: only the rows in view are in the DOM. Give it `rows`
 * (all of them), or `rowCount` + `getRow` for a result that is loaded a page
 * at a time: rows not loaded yet show as placeholders, and
 * `onVisibleRangeChange` tells the owner which ones to fetch.
 */
export function DataGrid(props: {
  columns: GridColumn[];
  rows?: readonly GridRow[];
  rowCount?: number;
  getRow?: (index: number) => GridRow | undefined;
  /** Number shown for the first row (a window into a larger result starts later). */
  firstRowNumber?: number;
  onVisibleRangeChange?: (first: number, last: number) => void;
  sort?: GridSort | null;
  onSort?: (column: string) => void;
  height?: number;
  className?: string;
}) {
  const parentRef = useRef<HTMLDivElement>(null);
  const count = props.rowCount ?? props.rows?.length ?? 0;
  const rowAt = (i: number) => (props.getRow ? props.getRow(i) : props.rows?.[i]);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? -1;
  const onRange = props.onVisibleRangeChange;
  useEffect(() => {
    if (onRange && last >= first) onRange(first, last);
  }, [onRange, first, last]);
  const template = `4.5rem repeat(${props.columns.length}, minmax(8rem, 1fr))`;
  const base = props.firstRowNumber ?? 1;
  return (
    <div
      ref={parentRef}
      className={cn("overflow-auto rounded-md border border-slate-200 text-sm", props.className)}
      style={{ height: props.height ?? 420 }}
      role="grid"
      aria-rowcount={count}
    >
      <div
        className="sticky top-0 z-10 grid border-b border-slate-200 bg-slate-50 font-medium text-slate-700"
        style={{ gridTemplateColumns: template }}
        role="row"
      >
        <div className="px-2 py-1.5 text-right text-xs text-slate-400">#</div>
        {props.columns.map((c) => {
          const sorted = props.sort?.column === c.name ? props.sort : null;
          return (
            <button
              key={c.name}
              type="button"
              role="columnheader"
              aria-sort={sorted ? (sorted.desc ? "descending" : "ascending") : "none"}
              className="truncate px-2 py-1.5 text-left hover:bg-slate-100 disabled:cursor-default"
              onClick={() => props.onSort?.(c.name)}
              disabled={!props.onSort}
              title={c.type ? `${c.name} (${c.type})` : c.name}
            >
              {c.name}
              {sorted ? (sorted.desc ? " ▼" : " ▲") : ""}
              {c.type ? <span className="ml-1 text-xs font-normal text-slate-400">{c.type}</span> : null}
            </button>
          );
        })}
      </div>
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {items.map((vr) => {
          const row = rowAt(vr.index);
          return (
            <div
              key={vr.key}
              role="row"
              aria-busy={row ? undefined : true}
              className="absolute left-0 grid w-full border-b border-slate-100 hover:bg-indigo-50/40"
              style={{ top: vr.start, height: ROW_HEIGHT, gridTemplateColumns: template }}
            >
              <div className="px-2 py-1.5 text-right text-xs text-slate-400">{base + vr.index}</div>
              {props.columns.map((c) =>
                row ? (
                  <div
                    key={c.name}
                    role="gridcell"
                    className="truncate px-2 py-1.5 font-mono text-xs text-slate-800"
                    title={cellText(row[c.name])}
                  >
                    {cellText(row[c.name])}
                  </div>
                ) : (
                  <div key={c.name} className="px-2 py-2">
                    <div className="h-3 animate-pulse rounded bg-slate-100" />
                  </div>
                ),
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
