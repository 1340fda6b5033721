"use client";
import { Badge } from "@scrollintel/ui/badge";
import { Card, CardHeader } from "@scrollintel/ui/card";
import { TableHead } from "@scrollintel/ui/table-head";

interface Reader {
  userId: string;
  email: string;
  role: string;
  visible: boolean;
  clearColumns: string[];
  maskedColumns: Record<string, string>;
  rowFilters: string[];
}

/** Per dataset, per member: sees it or not, which columns in clear, which masked, and the row filter. */
export function AccessMatrix(props: {
  datasets: { datasetId: string; name: string; visibility: string; readers: Reader[] }[];
  groups: { id: string; name: string; members: string[] }[];
}) {
  return (
    <Card>
      <CardHeader
        title="Who can access which datasets and columns"
        description={
          props.groups.length
            ? `Groups: ${props.groups.map((g) => `${g.name} (${g.members.length})`).join(", ")}`
            : "No access groups."
        }
      />
      <div className="space-y-4 overflow-x-auto pb-2">
        {props.datasets.map((d) => (
          <table key={d.datasetId} className="w-full text-sm" data-testid="access-matrix">
            <caption className="px-5 pt-2 text-left font-mono font-medium">
              {d.name} <span className="font-sans text-xs text-slate-500">({d.visibility})</span>
            </caption>
            <TableHead labels={["Member", "Role", "Access", "Columns in clear", "Masked", "Row filter"]} />
            <tbody className="divide-y divide-slate-100">
              {d.readers.map((r) => (
                <tr key={r.userId}>
                  <td className="px-5 py-2 break-all">{r.email}</td>
                  <td className="px-5 py-2">{r.role.toLowerCase()}</td>
                  <td className="px-5 py-2">
                    {r.visible ? <Badge tone="success">yes</Badge> : <Badge tone="danger">no</Badge>}
                  </td>
                  <td className="px-5 py-2 font-mono text-xs">{r.clearColumns.join(", ") || "—"}</td>
                  <td className="px-5 py-2 font-mono text-xs">
                    {Object.entries(r.maskedColumns)
                      .map(([c, m]) => `${c}: ${m}`)
                      .join(", ") || "—"}
                  </td>
                  <td className="px-5 py-2 font-mono text-xs">{r.rowFilters.join(" AND ") || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
        {!props.datasets.length ? <p className="px-5 py-3 text-sm text-slate-500">No datasets.</p> : null}
      </div>
    </Card>
  );
}
