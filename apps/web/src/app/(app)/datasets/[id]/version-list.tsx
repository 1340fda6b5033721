import { Card, CardHeader } from "@scrollintel/ui/card";
import { TableHead } from "@scrollintel/ui/table-head";
import { formatBytes, formatCount, formatTime } from "@/components/format";
import { StatusBadge } from "@/components/status-badge";
import type { VersionSummary } from "./dataset-types";

function how(v: VersionSummary): string {
  const parts = [];
  if (v.append) parts.push(v.baseVersion ? `appends to v${v.baseVersion}` : "append");
  if (v.options.badRows === "skip") parts.push("skip bad rows");
  if (v.options.delimiter) parts.push(`delimiter ${JSON.stringify(v.options.delimiter)}`);
  if (v.options.columns.length) parts.push(`${v.options.columns.length} column overrides`);
  return parts.join(" · ") || "as detected";
}

/** Every version of the dataset, newest first; the one queries see is marked. */
export function VersionList({ versions, readyVersion }: { versions: VersionSummary[]; readyVersion: number | null }) {
  return (
    <Card>
      <CardHeader title="Versions" description="Queries see the marked version; older versions are kept." />
      <table className="w-full text-sm" data-testid="versions">
        <TableHead labels={["Version", "Status", "Rows >", "Skipped >", "Source >", "How", "Created"]} />
        <tbody className="divide-y divide-slate-100">
          {versions.map((v) => (
            <tr key={v.id} data-testid="version-row">
              <td className="px-5 py-2 font-mono">
                v{v.version}
                {v.version === readyVersion ? <span className="ml-2 text-xs text-emerald-700">● queried</span> : null}
              </td>
              <td className="px-5 py-2">
                <StatusBadge status={v.status} />
              </td>
              <td className="px-5 py-2 text-right tabular-nums">{formatCount(v.rowCount)}</td>
              <td className="px-5 py-2 text-right tabular-nums">{formatCount(v.rejectedRows)}</td>
              <td className="px-5 py-2 text-right tabular-nums">{formatBytes(v.sourceBytes)}</td>
              <td className="px-5 py-2 text-slate-600">{how(v)}</td>
              <td className="px-5 py-2 text-slate-500">{formatTime(v.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
