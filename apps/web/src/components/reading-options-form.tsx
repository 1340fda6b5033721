"use client";
import { useId } from "react";
import { ZIngestOptions, type IngestOptions } from "@scrollintel/core/ingest-options";
import { CsvOptions, JsonOptions, TextOptions } from "./reading-options-groups";

/** The first problem zod finds with the options, said per field, or null. */
export function optionsProblem(o: IngestOptions): string | null {
  const r = ZIngestOptions.safeParse(o);
  if (r.success) return null;
  const i = r.error.issues[0]!;
  return `${i.path.join(".")}: ${i.message}`;
}

/**
 * Every reading option of a version (encoding, line size and ends, CSV
 * dialect, JSON layout and flattening, bad rows), labelled and in tab order.
 * Controlled: `value` in, every change out through `onChange`.
 */
export function ReadingOptionsForm({
  value: o,
  onChange,
}: {
  value: IngestOptions;
  onChange: (next: IngestOptions) => void;
}) {
  const id = useId();
  const set = (patch: Partial<IngestOptions>) => onChange({ ...o, ...patch });
  const problem = optionsProblem(o);
  return (
    <div className="@container space-y-5" data-testid="reading-options">
      <TextOptions o={o} set={set} id={id} />
      <CsvOptions o={o} set={set} id={id} />
      <JsonOptions o={o} set={set} id={id} />
      {problem ? (
        <p role="alert" className="text-sm text-red-700">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
