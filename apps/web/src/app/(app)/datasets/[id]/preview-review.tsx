"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { INTAKE_STATUS } from "@scrollintel/core/intake-options";
import type { IngestOptions } from "@scrollintel/core/ingest-options";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { DataGrid } from "@scrollintel/ui/data-grid";
import { EmptyState, ErrorNotice } from "@scrollintel/ui/empty-state";
import { formatBytes, plural } from "@/components/format";
import { useTRPC } from "@/trpc/client";
import type { IntakeState } from "./dataset-types";
import { ReadingOptionsFields } from "./schema-editor";

type Preview = NonNullable<IntakeState["preview"]>;

function describe(p: Preview | null): string {
  if (!p || p.error) return "Nothing is converted until you start the ingest.";
  const from = p.wholeFile ? "the whole file" : `the first ${formatBytes(p.headBytes)} of the file`;
  const what = [p.format?.toUpperCase(), p.compression !== "none" ? p.compression : null].filter(Boolean).join(", ");
  return `The first ${plural(p.rows.length, "row")} as the ingest will read them (${what}, read from ${from}). Nothing is converted until you start.`;
}

/**
 * The preview of a version before its ingest: first rows as the chosen
 * options read them, the detected schema and the options form. "Update
 * preview" has the worker read the head again; "Start ingest" reads with
 * exactly the options on the form.
 */
export function PreviewReview({ state }: { state: IntakeState }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const p = state.preview;
  const [opts, setOpts] = useState<IngestOptions>(p?.options ?? state.options);
  const done = { onSuccess: () => void qc.invalidateQueries() };
  const update = useMutation(trpc.dataset.updatePreview.mutationOptions(done));
  const start = useMutation(trpc.dataset.startIngest.mutationOptions(done));
  const discard = useMutation(trpc.dataset.cancel.mutationOptions(done));
  const reading = state.status === INTAKE_STATUS.inspecting || update.isPending;
  const changed = JSON.stringify(opts) !== JSON.stringify(p?.options ?? state.options);
  const busy = reading || start.isPending || discard.isPending;
  const error = update.error ?? start.error ?? discard.error;
  return (
    <Card data-testid="preview-review">
      <CardHeader title={`Preview of version ${state.version}`} description={describe(p)} />
      <CardBody className="space-y-4">
        <p aria-live="polite" className="text-sm text-indigo-700" data-testid="preview-status">
          {reading ? "Reading the first rows with these options…" : ""}
        </p>
        {p?.error ? <ErrorNotice title="These options cannot read the file" message={p.error} /> : null}
        {p && !p.error && p.rows.length > 0 ? (
          <div className={reading ? "opacity-50" : undefined} data-testid="preview-grid">
            <DataGrid columns={p.columns} rows={p.rows} height={300} />
          </div>
        ) : null}
        {p && !p.error && state.rowsHidden ? (
          <EmptyState title="Rows hidden by your access policy">
            A row filter of this dataset applies to you, so its first rows are not shown; the columns and options are.
          </EmptyState>
        ) : null}
        {p && !p.error && p.rows.length === 0 && !state.rowsHidden ? (
          <EmptyState title="No rows">The start of the file holds no data rows with these options.</EmptyState>
        ) : null}
        {Object.keys(state.masks).length && p?.rows.length ? (
          <p className="text-sm text-slate-600" data-testid="preview-masked-note">
            Masked for you by the dataset&apos;s access policy: {Object.keys(state.masks).join(", ")}.
          </p>
        ) : null}
        {!p && !reading ? (
          <EmptyState title="No preview yet">Update the preview to read the first rows.</EmptyState>
        ) : null}
        <ReadingOptionsFields opts={opts} setOpts={setOpts} detected={p?.sourceColumns ?? []} />
        {changed ? (
          <p className="text-sm text-amber-700">The options changed since this preview: update it to see their rows.</p>
        ) : null}
        {error ? <ErrorNotice title="Could not do that" message={error.message} /> : null}
        <div className="flex flex-wrap justify-end gap-2">
          <Button variant="ghost" disabled={busy} onClick={() => discard.mutate({ versionId: state.versionId })}>
            Discard upload
          </Button>
          <Button
            variant="secondary"
            disabled={busy || !changed}
            onClick={() => update.mutate({ versionId: state.versionId, options: opts })}
          >
            Update preview
          </Button>
          <Button disabled={busy} onClick={() => start.mutate({ versionId: state.versionId, options: opts })}>
            Start ingest
          </Button>
        </div>
      </CardBody>
    </Card>
  );
}
