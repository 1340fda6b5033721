"use client";
import type { inferRouterOutputs } from "@trpc/server";
import { formatCount, plural } from "@/components/format";
import type { AppRouter } from "@/server/trpc/router";

type Schema = inferRouterOutputs<AppRouter>["query"]["schema"];

/**
 * The datasets a query can see, with their columns: a click puts the name at
 * the editor's cursor (a dataset into an empty editor starts a template);
 * "New query" replaces the SQL with one over that dataset.
 */
export function SchemaBrowser(props: {
  schema: Schema | undefined;
  onInsert: (text: string, template: boolean) => void;
  onNewQuery: (dataset: string) => void;
}) {
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
            onClick={() => props.onInsert(d.name, true)}
          >
            {d.name}
          </button>
          <span className="ml-1 text-xs text-slate-500">{d.rowCount === null ? null : plural(d.rowCount, "row")}</span>
          <button
            type="button"
            className="ml-2 text-xs text-indigo-700 hover:underline"
            onClick={() => props.onNewQuery(d.name)}
            title={`New query from ${d.name}`}
          >
            New query
          </button>
          <ul className="ml-3 mt-1 space-y-0.5 text-xs text-slate-500">
            {d.columns.map((c) => (
              <li key={c.name}>
                <button
                  type="button"
                  className="font-mono hover:text-indigo-700"
                  onClick={() => props.onInsert(/^[a-z_][a-z0-9_]*$/.test(c.name) ? c.name : `"${c.name}"`, false)}
                >
                  {c.name}
                </button>{" "}
                <span className="text-slate-500">{c.type}</span>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
