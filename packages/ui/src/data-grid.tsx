"use client";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState, type ClipboardEvent } from "react";
import { formatCell } from "./cell-format";
import { cn } from "./cn";
import { GridHeader, initialWidths, ROW_NUMBER_WIDTH } from "./data-grid-header";

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

/**
 * A virtualised grid: only the rows in view are in the DOM. Give it `rows`
 * (all of them), or `rowCount` + `getRow` for a result that is loaded a page
 * at a time: rows not loaded yet show as placeholders, and
 * `onVisibleRangeChange` tells the owner which ones to fetch.
 * Columns start as wide as their first rows need (so timestamps are never
 * cut) and can be resized by dragging a header's edge; numbers are grouped and
 * right-aligned (cell-format.ts), their exact value in the tooltip and in what
 * is copied.
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
  const [widths, setWidths] = useState<Record<string, number>>({});
  const sample: GridRow[] = [];
  for (let i = 0; i < Math.min(count, 50); i++) {
    const row = rowAt(i);
    if (row) sample.push(row);
  }
  const measured = initialWidths(props.columns, sample);
  const widthOf = (name: string) => widths[name] ?? measured[name] ?? 128;
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
  const template = `${ROW_NUMBER_WIDTH}px ${props.columns.map((c) => `${widthOf(c.name)}px`).join(" ")} minmax(0, 1fr)`;
  const base = props.firstRowNumber ?? 1;
  // Copying inside one cell copies its exact value, not the rounded text.
  const onCopy = (e: ClipboardEvent<HTMLDivElement>) => {
    const sel = window.getSelection();
    const cell = sel?.anchorNode?.parentElement?.closest<HTMLElement>("[data-full]");
    if (!sel || !cell || !cell.contains(sel.focusNode)) return;
    e.clipboardData.setData("text/plain", cell.dataset.full ?? "");
    e.preventDefault();
  };
  return (
    <div
      ref={parentRef}
      className={cn("overflow-auto rounded-md border border-slate-200 text-sm", props.className)}
      // A short result gets a short grid (header, rows, room for a horizontal scrollbar).
      style={{ height: props.height ?? Math.min(420, ROW_HEIGHT * (count + 1) + 16) }}
      role="grid"
      aria-rowcount={count}
      onCopy={onCopy}
      // A scrolling region must be reachable by keyboard to be scrolled with the arrow keys.
      tabIndex={0}
    >
      <GridHeader
        columns={props.columns}
        template={template}
        sort={props.sort ?? null}
        onSort={props.onSort}
        widthOf={widthOf}
        onResize={(name, w) => setWidths((ws) => ({ ...ws, [name]: w }))}
      />
      <div style={{ height: virtualizer.getTotalSize(), position: "relative", minWidth: "max-content" }}>
        {items.map((vr) => {
          const row = rowAt(vr.index);
          return (
            <div
              key={vr.key}
              role="row"
              aria-busy={row ? undefined : true}
              className="absolute left-0 grid min-w-full border-b border-slate-100 hover:bg-indigo-50/40"
              style={{ top: vr.start, height: ROW_HEIGHT, gridTemplateColumns: template }}
            >
              <div className="px-2 py-1.5 text-right text-xs text-slate-500">{base + vr.index}</div>
              {props.columns.map((c) => {
                if (!row) {
                  return (
                    <div key={c.name} className="px-2 py-2">
                      <div className="h-3 animate-pulse rounded bg-slate-100" />
                    </div>
                  );
                }
                const cell = formatCell(row[c.name], c.type);
                return (
                  <div
                    key={c.name}
                    role="gridcell"
                    className={cn(
                      "truncate px-2 py-1.5 font-mono text-xs text-slate-800",
                      cell.numeric && "text-right tabular-nums",
                    )}
                    title={cell.full}
                    data-full={cell.full}
                  >
                    {cell.text}
                  </div>
                );
              })}
              <div />
            </div>
          );
        })}
      </div>
    </div>
  );
}
