import { Button } from "./button";
import { ProgressBar } from "./progress-bar";

export interface UnfinishedUploadRow {
  id: string;
  name: string;
  sizeLabel: string;
  /** Share already stored on the server, when known. */
  percent: number | null;
  startedLabel: string;
}

/** Uploads a previous page left unfinished: picking the same file again continues each one. */
export function UnfinishedUploadList(props: { rows: UnfinishedUploadRow[]; onDiscard?: (id: string) => void }) {
  if (!props.rows.length) return null;
  return (
    <section className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3" aria-label="Unfinished uploads">
      <p className="text-sm font-medium text-amber-900">Unfinished uploads</p>
      <p className="text-xs text-amber-800">Choose or drop the same file again and it continues where it stopped.</p>
      <ul className="mt-2 space-y-2">
        {props.rows.map((r) => (
          <li key={r.id} data-testid="unfinished-upload" className="text-xs text-slate-700">
            <div className="flex items-center justify-between gap-3">
              <span className="min-w-0 truncate">
                <span className="font-medium text-slate-900">{r.name}</span> · {r.sizeLabel}
                {r.percent !== null ? ` · ${r.percent.toFixed(0)}% stored` : ""} · started {r.startedLabel}
              </span>
              {props.onDiscard ? (
                <Button size="sm" variant="ghost" onClick={() => props.onDiscard!(r.id)}>
                  Discard
                </Button>
              ) : null}
            </div>
            {r.percent !== null ? <ProgressBar className="mt-1" value={r.percent} label={`${r.name} stored`} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
