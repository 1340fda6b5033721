import type { ReactNode } from "react";
import { Card, CardHeader } from "@scrollintel/ui/card";
import { TableHead } from "@scrollintel/ui/table-head";
import { formatBytes, formatCount, formatTime } from "@/components/format";
import { HiddenCount } from "@/components/hidden-count";
import { StatusBadge } from "@/components/status-badge";
import { readingOptionsSummary } from "@/components/reading-options-summary";
import { accountingOf } from "./accounting-line";
import type { VersionSummary } from "./dataset-types";

function how(v: VersionSummary): string {
  const parts = [];
  if (v.append) parts.push(v.baseVersion ? `appends to v${v.baseVersion}` : "append");
  if (v.options.badRows === "skip") parts.push("skip bad rows");
  if (v.options.delimiter) parts.push(`delimiter ${JSON.stringify(v.options.delimiter)}`);
  parts.push(...readingOptionsSummary(v.options));
  if (v.options.columns.length) parts.push(`${v.options.columns.length} column overrides`);
  return parts.join(" · ") || "as detected";
}

/** Every version of the dataset, newest first; the one queries see is marked. */
export function VersionList({
  versions,
  readyVersion,
  actions,
}: {
  versions: VersionSummary[];
  readyVersion: number | null;
  /** Row actions (roll back, delete), rendered in a last column. */
  actions?: (v: VersionSummary) => ReactNode;
}) {
  return (
    <Card>
      <CardHeader
        title="Versions"
        description="Queries see the marked version; older versions are kept as the retention policy says."
      />
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full text-sm" data-testid="versions">
          <TableHead
            labels={["Version", "Status", "Rows >", "Records", "Source >", "How", "Created", ...(actions ? [""] : [])]}
          />
          <tbody className="divide-y divide-slate-100">
            {versions.map((v) => (
              <tr key={v.id} data-testid="version-row" data-version={v.version}>
                <td className="px-5 py-2 font-mono">
                  v{v.version}
                  {v.version === readyVersion ? <span className="ml-2 text-xs text-emerald-700">● queried</span> : null}
                </td>
                <td className="px-5 py-2">
                  <StatusBadge status={v.status} />
                </td>
                <td className="px-5 py-2 text-right tabular-nums">
                  {v.rowCount === null ? <HiddenCount /> : formatCount(v.rowCount)}
                </td>
                <td className="px-5 py-2 tabular-nums text-slate-600" data-testid="version-accounting">
                  {accountingOf(v) ??
                    (v.rejectedRows !== null && v.rejectedRows > 0n ? `${formatCount(v.rejectedRows)} rejected` : "—")}
                </td>
                <td className="px-5 py-2 text-right tabular-nums">{formatBytes(v.sourceBytes)}</td>
                <td className="px-5 py-2 text-slate-600">{how(v)}</td>
                <td className="px-5 py-2 text-slate-500">{formatTime(v.createdAt)}</td>
                {actions ? <td className="px-3 py-1">{actions(v)}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
