"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Button } from "@scrollintel/ui/button";
import { Card, CardHeader } from "@scrollintel/ui/card";
import { TableHead } from "@scrollintel/ui/table-head";
import { formatCount, plural } from "@/components/format";
import { useTRPC } from "@/trpc/client";

/** The rows a version skipped, with line, column, reason and the line itself, a page at a time (none under a mask or row filter). */
export function RejectsTable({
  versionId,
  total,
  title = "Skipped rows",
}: {
  versionId: string;
  total: bigint | null;
  title?: string;
}) {
  const trpc = useTRPC();
  const pages = useInfiniteQuery(
    trpc.dataset.rejects.infiniteQueryOptions(
      { versionId, limit: 100 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const stored = pages.data?.pages[0]?.stored ?? 0;
  if (pages.data?.pages[0]?.hiddenByPolicy) {
    return (
      <Card>
        <CardHeader
          title={title}
          description="Skipped rows are hidden by your access policy: their lines hold values it masks or filters."
        />
      </Card>
    );
  }
  return (
    <Card>
      <CardHeader
        title={title}
        description={`${total === null ? "Some rows" : plural(total, "row")} ${Number(total) === 1 ? "was" : "were"} left out under the "skip and report" policy${
          // The count is exact (records read − rows stored); the list is the errors the worker's example pass found.
          Number(total) > stored ? `; ${formatCount(stored)} of them are listed, first lines first` : ""
        }. Line numbers count records from the top of the file.`}
      />
      <div className="max-h-96 overflow-auto" tabIndex={0}>
        <table className="w-full text-sm" data-testid="rejects">
          <TableHead className="sticky top-0" labels={["Line", "Column", "Reason", "Line as read"]} />
          <tbody className="divide-y divide-slate-100">
            {items.map((r) => (
              <tr key={r.id} data-testid="reject-row">
                <td className="px-5 py-1.5 tabular-nums">{r.line === null ? "—" : formatCount(r.line)}</td>
                <td className="px-5 py-1.5 font-mono">{r.column ?? "—"}</td>
                <td className="px-5 py-1.5">{r.reason}</td>
                <td className="max-w-xs truncate px-5 py-1.5 font-mono text-xs text-slate-500" title={r.raw ?? ""}>
                  {r.raw}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages.hasNextPage ? (
        <div className="border-t border-slate-100 px-5 py-3">
          <Button
            variant="secondary"
            size="sm"
            disabled={pages.isFetchingNextPage}
            onClick={() => void pages.fetchNextPage()}
          >
            More
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
