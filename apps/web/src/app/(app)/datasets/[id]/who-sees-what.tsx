"use client";
import { Badge } from "@scrollintel/ui/badge";
import { TableHead } from "@scrollintel/ui/table-head";

export interface WhoSeesRow {
  label: string;
  access: { visible: boolean; masks: Record<string, string>; rowFilters: string[] };
}

/** Per role and group: whether it sees the dataset, which columns are masked how, and its row filter. */
export function WhoSeesWhat({ rows }: { rows: WhoSeesRow[] }) {
  return (
    <div className="overflow-x-auto" tabIndex={0}>
      <table className="w-full text-sm" data-testid="who-sees-what">
        <TableHead labels={["Who", "Sees the dataset", "Masked columns", "Row filter"]} />
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => {
            const masks = Object.entries(r.access.masks);
            return (
              <tr key={r.label}>
                <td className="px-5 py-2 font-medium whitespace-nowrap">{r.label.toLowerCase()}</td>
                <td className="px-5 py-2">
                  {r.access.visible ? <Badge tone="success">yes</Badge> : <Badge tone="danger">no</Badge>}
                </td>
                <td className="px-5 py-2">
                  {!r.access.visible ? (
                    "—"
                  ) : masks.length ? (
                    <span className="flex flex-wrap gap-1">
                      {masks.map(([c, m]) => (
                        <Badge key={c} tone="warning" className="font-mono">
                          {c}: {m}
                        </Badge>
                      ))}
                    </span>
                  ) : (
                    <span className="text-slate-500">none</span>
                  )}
                </td>
                <td className="px-5 py-2 font-mono text-xs break-all">
                  {!r.access.visible
                    ? "—"
                    : r.access.rowFilters.length
                      ? r.access.rowFilters.join(" AND ")
                      : "all rows"}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
