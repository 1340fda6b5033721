import { Button } from "./button";
import { ProgressBar } from "./progress-bar";

export type UploadRowState = "queued" | "uploading" | "retrying" | "paused" | "done" | "error" | "cancelled";

export interface UploadRow {
  id: string;
  name: string;
  sizeLabel: string;
  percent: number;
  state: UploadRowState;
  detail: string;
  /**
   * The server refused the file for good (no permission, over quota, too large):
   * shown as "Refused" with the reason in `detail`, and never offered "Resume".
   */
  refused?: boolean;
}

const STATE_LABEL: Record<UploadRowState, string> = {
  queued: "Waiting",
  uploading: "Uploading",
  retrying: "Reconnecting",
  paused: "Paused",
  done: "Uploaded",
  error: "Failed",
  cancelled: "Cancelled",
};

/** Files being uploaded, each with its bar and controls. Knows nothing of tus. */
export function UploadList(props: {
  rows: UploadRow[];
  onPause?: (id: string) => void;
  onResume?: (id: string) => void;
  onCancel?: (id: string) => void;
}) {
  return (
    <ul className="divide-y divide-slate-100" aria-label="Uploads">
      {props.rows.map((r) => (
        <li key={r.id} className="py-3" data-testid="upload-row" data-state={r.state}>
          <div className="flex items-center justify-between gap-3">
            <div className="min-w-0">
              <p className="truncate text-sm font-medium text-slate-900">{r.name}</p>
              <p className="text-xs text-slate-500" data-testid="upload-detail">
                {r.sizeLabel} · {r.refused ? "Refused" : STATE_LABEL[r.state]}
                {r.detail ? ` · ${r.detail}` : ""}
              </p>
            </div>
            <div className="flex shrink-0 gap-1">
              {(r.state === "uploading" || r.state === "retrying") && props.onPause ? (
                <Button size="sm" variant="secondary" onClick={() => props.onPause!(r.id)}>
                  Pause
                </Button>
              ) : null}
              {(r.state === "paused" || (r.state === "error" && !r.refused)) && props.onResume ? (
                <Button size="sm" variant="secondary" onClick={() => props.onResume!(r.id)}>
                  Resume
                </Button>
              ) : null}
              {r.state !== "done" && r.state !== "cancelled" && !r.refused && props.onCancel ? (
                <Button size="sm" variant="ghost" onClick={() => props.onCancel!(r.id)}>
                  Cancel
                </Button>
              ) : null}
            </div>
          </div>
          <ProgressBar className="mt-2" value={r.percent} label={`${r.name} progress`} />
        </li>
      ))}
    </ul>
  );
}
