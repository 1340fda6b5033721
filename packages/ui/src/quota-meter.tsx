import { cn } from "./cn";

/** used/limit with a bar that turns amber at 80% and red at 95%. Labels are pre-formatted by the caller. */
export function QuotaMeter(props: {
  label: string;
  percent: number;
  usedLabel: string;
  limitLabel: string;
  className?: string;
  /** The meter's name for screen readers when `label` is empty (e.g. in a table row). */
  srLabel?: string;
}) {
  const p = Math.max(0, Math.min(100, props.percent));
  const tone = p >= 95 ? "bg-rose-600" : p >= 80 ? "bg-amber-500" : "bg-emerald-600";
  return (
    <div className={cn("space-y-1", props.className)}>
      <div className="flex justify-between text-xs text-slate-600">
        <span className="font-medium text-slate-800">{props.label}</span>
        <span>
          {props.usedLabel} of {props.limitLabel} ({p.toFixed(p < 10 ? 1 : 0)}%)
        </span>
      </div>
      <div
        className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
        role="meter"
        aria-label={props.label || props.srLabel}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(p)}
      >
        <div className={cn("h-full rounded-full", tone)} style={{ width: `${p}%` }} />
      </div>
    </div>
  );
}
