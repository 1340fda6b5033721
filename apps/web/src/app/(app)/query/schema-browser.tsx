"use client";
import type { inferRouterOutputs } from "@trpc/server";
import { formatCount } from "@/components/format";
import type { AppRouter } from "@/server/trpc/router";

type Schema = inferRouterOutputs<AppRouter>["query"]["schema"];

/** The datasets a query can see, with their columns; a click puts the name into the editor. */
export function SchemaBrowser(props: { schema: Schema | undefined; onInsert: (text: string) => void }) {
  if (!props.schema) return <p className="text-sm text-slate-500">Loading…</p>;
  if (!props.schema.length) return <p className="text-sm text-slate-500">No datasets ready to query yet.</p>;
  return (
    <ul className="space-y-3 text-sm" data-testid="schema-browser">
      {props.schema.map((d) => (
        <li key={d.datasetId}>
          <button
            type="button"
            className="font-mono font-medium text-indigo-700 hover:underline"
            title={`v${d.version} · ${formatCount(d.rowCount)} rows — click to insert`}
            onClick={() => props.onInsert(d.name)}
          >
            {d.name}
          </button>
          <span className="ml-1 text-xs text-slate-400">{formatCount(d.rowCount)} rows</span>
          <ul className="ml-3 mt-1 space-y-0.5 text-xs text-slate-500">
            {d.columns.map((c) => (
              <li key={c.name}>
                <button
                  type="button"
                  className="font-mono hover:text-indigo-700"
                  onClick={() => props.onInsert(/^[a-z_][a-z0-9_]*$/.test(c.name) ? c.name : `"${c.name}"`)}
                >
                  {c.name}
                </button>{" "}
                <span className="text-slate-400">{c.type}</span>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
