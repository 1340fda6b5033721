import type { ReactNode } from "react";
import { cn } from "./cn";

/** The header row shared by the app's list tables. */
export function TableHead({ columns, className }: { columns: Array<ReactNode>; className?: string }) {
  return (
    <thead className={cn("bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500", className)}>
      <tr>
        {columns.map((c, i) => (
          <th key={i} className="px-5 py-2">
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
