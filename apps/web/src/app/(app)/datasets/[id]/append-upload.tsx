"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import * as tus from "tus-js-client";
import { Button } from "@scrollintel/ui/button";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { ProgressBar } from "@scrollintel/ui/progress-bar";
import type { IngestOptions } from "@scrollintel/core/ingest-options";
import { optionsProblem, ReadingOptionsForm } from "@/components/reading-options-form";
import { errorText } from "../../upload/use-tus-uploads";

const CHUNK = 16 * 1024 * 1024;

/**
 * Appends a file to this dataset: a tus upload whose metadata names the
 * dataset (checked server-side against the caller's tenant) and how to read
 * the file (the dataset's options unless changed here); the finished upload
 * becomes the dataset's next version.
 */
export function AppendUpload({ datasetId, options }: { datasetId: string; options: IngestOptions }) {
  const qc = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<{ percent: number; error?: string; busy: boolean }>({ percent: 0, busy: false });
  const [reading, setReading] = useState(options);

  function start(file: File) {
    setState({ percent: 0, busy: true });
    const up = new tus.Upload(file, {
      endpoint: "/api/uploads",
      chunkSize: CHUNK,
      retryDelays: [0, 1000, 3000, 5000],
      metadata: {
        filename: file.name,
        filetype: file.type || "application/octet-stream",
        datasetId,
        // Column overrides stay the dataset's; only how the new file is read is sent.
        options: JSON.stringify({ ...reading, columns: [] }),
      },
      onProgress: (sent, total) => setState({ percent: total ? (sent / total) * 100 : 0, busy: true }),
      onSuccess: () => {
        setState({ percent: 100, busy: false });
        void qc.invalidateQueries();
      },
      onError: (e) => setState({ percent: 0, busy: false, error: errorText(e) }),
    });
    up.start();
  }

  return (
    <div className="space-y-2">
      <div className="flex items-center gap-3">
        <input
          ref={input}
          type="file"
          className="hidden"
          data-testid="append-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) start(f);
            e.target.value = "";
          }}
        />
        <Button
          variant="secondary"
          size="sm"
          disabled={state.busy || optionsProblem(reading) !== null}
          onClick={() => input.current?.click()}
        >
          Append a file…
        </Button>
        <span className="text-xs text-slate-500">Same columns; becomes a new version with both files&apos; rows.</span>
      </div>
      <details className="rounded-md border border-slate-200 px-3 py-2">
        <summary className="cursor-pointer text-sm font-medium text-slate-700">
          Reading options for the appended file
        </summary>
        <div className="pt-3">
          <ReadingOptionsForm value={reading} onChange={setReading} />
        </div>
      </details>
      {state.busy ? <ProgressBar value={state.percent} label="Append upload" /> : null}
      {state.error ? <ErrorNotice title="Append failed" message={state.error} /> : null}
    </div>
  );
}
