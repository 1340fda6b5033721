import { cn } from "./cn";

/** Label/value pairs in two columns, for compact statistics. */
export function StatList({ items, className }: { items: { label: string; value: string }[]; className?: string }) {
  return (
    <dl className={cn("grid grid-cols-2 gap-x-3 gap-y-1 text-xs", className)}>
      {items.map((i) => (
        <div key={i.label} className="contents">
          <dt className="text-slate-500">{i.label}</dt>
          <dd className="truncate text-right font-mono tabular-nums text-slate-800" title={i.value}>
            {i.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
