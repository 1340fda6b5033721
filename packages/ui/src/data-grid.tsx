"use client";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import { cn } from "./cn";

export interface GridColumn {
  name: string;
  type?: string;
}

const ROW_HEIGHT = 32;

function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/**
 * A virtualised grid: only the rows in view are in the DOM, so tens of
 * thousands of rows scroll smoothly. `onNearEnd` asks the owner for more rows.
 */
export function DataGrid(props: {
  columns: GridColumn[];
  rows: Record<string, unknown>[];
  height?: number;
  className?: string;
  onNearEnd?: () => void;
  sort?: { column: string; desc: boolean } | null;
  onSort?: (column: string) => void;
}) {
  const parentRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: props.rows.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1);
  if (last && props.onNearEnd && last.index >= props.rows.length - 20) props.onNearEnd();
  const template = `4rem repeat(${props.columns.length}, minmax(8rem, 1fr))`;
  return (
    <div
      ref={parentRef}
      className={cn("overflow-auto rounded-md border border-slate-200 text-sm", props.className)}
      style={{ height: props.height ?? 420 }}
      role="grid"
      aria-rowcount={props.rows.length}
    >
      <div
        className="sticky top-0 z-10 grid border-b border-slate-200 bg-slate-50 font-medium text-slate-700"
        style={{ gridTemplateColumns: template }}
        role="row"
      >
        <div className="px-2 py-1.5 text-right text-xs text-slate-400">#</div>
        {props.columns.map((c) => (
          <button
            key={c.name}
            type="button"
            role="columnheader"
            className="truncate px-2 py-1.5 text-left hover:bg-slate-100"
            onClick={() => props.onSort?.(c.name)}
            title={c.type ? `${c.name} (${c.type})` : c.name}
          >
            {c.name}
            {props.sort?.column === c.name ? (props.sort.desc ? " ▼" : " ▲") : ""}
            {c.type ? <span className="ml-1 text-xs font-normal text-slate-400">{c.type}</span> : null}
          </button>
        ))}
      </div>
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {items.map((vr) => {
          const row = props.rows[vr.index]!;
          return (
            <div
              key={vr.key}
              role="row"
              className="absolute left-0 grid w-full border-b border-slate-100 hover:bg-indigo-50/40"
              style={{ top: vr.start, height: ROW_HEIGHT, gridTemplateColumns: template }}
            >
              <div className="px-2 py-1.5 text-right text-xs text-slate-400">{vr.index + 1}</div>
              {props.columns.map((c) => (
                <div
                  key={c.name}
                  role="gridcell"
                  className="truncate px-2 py-1.5 font-mono text-xs text-slate-800"
                  title={cellText(row[c.name])}
                >
                  {cellText(row[c.name])}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
