"use client";
import type { inferRouterOutputs } from "@trpc/server";
import { Button } from "@scrollintel/ui/button";
import { formatBytes, formatTime } from "@/components/format";
import { usePermissions } from "@/components/use-permissions";
import type { AppRouter } from "@/server/trpc/router";

type TrashItem = inferRouterOutputs<AppRouter>["trash"]["list"][number];

const formatDay = (d: Date | string) => new Date(d).toLocaleDateString("en-GB", { dateStyle: "medium" });
const what = (i: TrashItem) =>
  `${i.version === null ? "Dataset" : `Version ${i.version}`}${i.reason === "retention" ? " (old-version policy)" : ""}`;
const when = (i: TrashItem) => (i.restorable ? `removed on ${formatDay(i.purgeAfter)}` : "being removed now");
/** Columns a phone leaves out (their text goes under the name). */
const WIDE = "hidden px-5 py-2.5 sm:table-cell";

/** Trash items with what each holds, when it goes, and Restore. */
export function TrashTable({
  items,
  onRestore,
  pending,
}: {
  items: TrashItem[];
  onRestore: (trashItemId: string) => void;
  pending: boolean;
}) {
  const perms = usePermissions();
  return (
    <div>
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full text-sm" data-testid="trash">
          <thead className="bg-slate-50 text-left text-xs tracking-wide text-slate-500 uppercase">
            <tr>
              <th className="px-5 py-2">Name</th>
              <th className={WIDE}>What</th>
              <th className={`${WIDE} text-right`}>Size</th>
              <th className={WIDE}>Deleted</th>
              <th className={WIDE}>Removal</th>
              <th className="px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {items.map((i) => (
              <tr key={i.id} data-testid="trash-row">
                <td className="px-5 py-2.5">
                  <span className="font-mono">{i.datasetName}</span>
                  {/* A phone shows what the wide columns hold under the name. */}
                  <span className="block text-xs text-slate-500 sm:hidden">
                    {what(i)} · {formatBytes(i.storedBytes)} · {when(i)}
                  </span>
                </td>
                <td className={`${WIDE} text-slate-600`}>{what(i)}</td>
                <td className={`${WIDE} text-right tabular-nums`}>{formatBytes(i.storedBytes)}</td>
                <td className={`${WIDE} text-slate-500`}>{formatTime(i.deletedAt)}</td>
                <td className={`${WIDE} text-slate-700`}>{when(i)}</td>
                <td className="px-3 py-1.5 text-right">
                  {i.restorable && perms.has("dataset.delete") ? (
                    <Button
                      variant="secondary"
                      size="sm"
                      disabled={pending}
                      onClick={() => onRestore(i.id)}
                      aria-label={`Restore ${i.datasetName}${i.version === null ? "" : ` version ${i.version}`}`}
                    >
                      Restore
                    </Button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
