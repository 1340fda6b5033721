import { cn } from "./cn";

/** A table's header row from labels; a label ending in " >" is right-aligned (numbers). */
export function TableHead({ labels, className }: { labels: string[]; className?: string }) {
  return (
    <thead className={cn("bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500", className)}>
      <tr>
        {labels.map((l) => (
          <th key={l} className={cn("px-5 py-2", l.endsWith(" >") && "text-right")}>
            {l.replace(/ >$/, "")}
          </th>
        ))}
      </tr>
    </thead>
  );
}
