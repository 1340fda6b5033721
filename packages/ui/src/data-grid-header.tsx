"use client";
import type { PointerEvent as ReactPointerEvent } from "react";
import { formatCell, isNumericType } from "./cell-format";
import type { GridColumn, GridRow, GridSort } from "./data-grid";

export const ROW_NUMBER_WIDTH = 72;
const MIN_WIDTH = 64;
const MAX_START_WIDTH = 360;
const MAX_WIDTH = 2000;
/** px per character of the 12 px monospace cells, plus padding and the sort mark. */
const CHAR_PX = 7.3;

const clampWidth = (w: number) => Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.round(w)));

/** Start widths: the longest of the header (name and type) and the sampled cells, within bounds. */
export function initialWidths(columns: GridColumn[], sample: readonly GridRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of columns) {
    let chars = c.name.length + (c.type ? c.type.length * 0.85 + 1 : 0) + 2;
    for (const row of sample) chars = Math.max(chars, formatCell(row[c.name], c.type).text.length);
    out[c.name] = Math.round(Math.min(MAX_START_WIDTH, Math.max(MIN_WIDTH, chars * CHAR_PX + 20)));
  }
  return out;
}

/** The sticky header: click to sort, drag a column's right edge (or focus it and press ←/→) to resize. */
export function GridHeader(props: {
  columns: GridColumn[];
  template: string;
  sort: GridSort | null;
  onSort?: (column: string) => void;
  widthOf: (name: string) => number;
  onResize: (name: string, width: number) => void;
}) {
  const startDrag = (name: string, e: ReactPointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const x0 = e.clientX;
    const w0 = props.widthOf(name);
    const move = (ev: PointerEvent) => props.onResize(name, clampWidth(w0 + ev.clientX - x0));
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  };
  return (
    <div
      className="sticky top-0 z-10 grid min-w-max border-b border-slate-200 bg-slate-50 font-medium text-slate-700"
      style={{ gridTemplateColumns: props.template }}
      role="row"
    >
      <div className="px-2 py-1.5 text-right text-xs text-slate-400">#</div>
      {props.columns.map((c) => {
        const sorted = props.sort?.column === c.name ? props.sort : null;
        return (
          <div
            key={c.name}
            role="columnheader"
            aria-sort={sorted ? (sorted.desc ? "descending" : "ascending") : "none"}
            className="relative flex min-w-0"
          >
            <button
              type="button"
              className={`min-w-0 flex-1 truncate px-2 py-1.5 hover:bg-slate-100 disabled:cursor-default ${
                isNumericType(c.type) ? "text-right" : "text-left"
              }`}
              onClick={() => props.onSort?.(c.name)}
              disabled={!props.onSort}
              title={c.type ? `${c.name} (${c.type})` : c.name}
            >
              {c.name}
              {sorted ? (sorted.desc ? " ▼" : " ▲") : ""}
              {c.type ? <span className="ml-1 text-xs font-normal text-slate-500">{c.type}</span> : null}
            </button>
            <div
              role="separator"
              aria-orientation="vertical"
              aria-label={`Resize ${c.name}`}
              aria-valuenow={props.widthOf(c.name)}
              aria-valuemin={MIN_WIDTH}
              aria-valuemax={MAX_WIDTH}
              tabIndex={0}
              data-testid={`resize-${c.name}`}
              className="absolute -right-1 top-0 z-10 h-full w-2 cursor-col-resize hover:bg-indigo-300/60 focus:bg-indigo-400/60 focus:outline-none"
              onPointerDown={(e) => startDrag(c.name, e)}
              onKeyDown={(e) => {
                const step = e.key === "ArrowRight" ? 16 : e.key === "ArrowLeft" ? -16 : 0;
                if (!step) return;
                e.preventDefault();
                props.onResize(c.name, clampWidth(props.widthOf(c.name) + step));
              }}
            />
          </div>
        );
      })}
      <div />
    </div>
  );
}
