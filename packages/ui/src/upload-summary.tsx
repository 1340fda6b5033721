import { ProgressBar } from "./progress-bar";

/** Progress of all files together; labels are pre-formatted by the caller. */
export function UploadSummary(props: {
  sentLabel: string;
  totalLabel: string;
  percent: number;
  /** e.g. "42.0 MiB/s · 3 min left"; empty while nothing is moving. */
  rateLabel: string;
  done: number;
  files: number;
}) {
  return (
    <div className="space-y-1" data-testid="upload-summary">
      <div className="flex justify-between gap-3 text-xs text-slate-600">
        <span>
          Total: {props.sentLabel} of {props.totalLabel}
          {props.rateLabel ? ` · ${props.rateLabel}` : ""}
        </span>
        <span>
          {props.done} of {props.files} files done
        </span>
      </div>
      <ProgressBar value={props.percent} label="Total progress" />
    </div>
  );
}
