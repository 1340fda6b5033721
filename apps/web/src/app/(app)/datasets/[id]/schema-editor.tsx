"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type Dispatch, type SetStateAction } from "react";
import type { IngestOptions } from "@scrollintel/core/ingest-options";
import { COLUMN_TYPES } from "@scrollintel/shared/column-types";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input, Select } from "@scrollintel/ui/input";
import { TableHead } from "@scrollintel/ui/table-head";
import { optionsProblem, ReadingOptionsForm } from "@/components/reading-options-form";
import { useTRPC } from "@/trpc/client";
import type { VersionSummary } from "./dataset-types";

interface Col {
  name: string;
  type: string;
}

/**
 * How the version's file is read (every reading option) and the detected
 * schema with the user's overrides. Applying re-ingests the upload as a new
 * version. Shown for a failed version too, columns or not: its error's
 * remedy is applied here.
 */
export function SchemaEditor({ from, detected }: { from: VersionSummary; detected: Col[] }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [opts, setOpts] = useState<IngestOptions>(from.options);
  const reingest = useMutation(trpc.dataset.reingest.mutationOptions({ onSuccess: () => void qc.invalidateQueries() }));
  // A failed append is read again as an append; a settled one is changed through the version it builds on.
  const locked = from.append && from.status !== "FAILED";
  const problem = optionsProblem(opts);
  return (
    <Card id="reading-options">
      <CardHeader
        title="Reading options and schema"
        description={
          from.status === "FAILED"
            ? `Version ${from.version} failed. Change how its file is read and re-ingest; the file is uploaded already.`
            : `As detected in version ${from.version}'s file. Changes re-ingest it as a new version; the current version stays queryable until the new one is ready.`
        }
      />
      <CardBody className="space-y-4">
        {locked ? (
          <p className="text-sm text-slate-600">
            Version {from.version} appends a file to an earlier version; change the schema of the version it builds on.
          </p>
        ) : null}
        <ReadingOptionsFields opts={opts} setOpts={setOpts} detected={detected} />
        {reingest.error ? <ErrorNotice title="Could not re-ingest" message={reingest.error.message} /> : null}
        <div className="flex justify-end">
          <Button
            disabled={locked || problem !== null || reingest.isPending}
            onClick={() => reingest.mutate({ versionId: from.id, options: opts })}
          >
            Re-ingest as a new version
          </Button>
        </div>
      </CardBody>
    </Card>
  );
}

/**
 * Every reading option and the per-column overrides as form fields: the
 * schema editor (re-ingest) and the preview before an ingest share them.
 */
export function ReadingOptionsFields({
  opts,
  setOpts,
  detected,
}: {
  opts: IngestOptions;
  setOpts: Dispatch<SetStateAction<IngestOptions>>;
  detected: Col[];
}) {
  const override = (name: string) => opts.columns.find((c) => c.name === name);
  const setColumn = (name: string, patch: { rename?: string; type?: (typeof COLUMN_TYPES)[number] }) =>
    setOpts((o) => {
      const rest = o.columns.filter((c) => c.name !== name);
      const next = { ...override(name), ...patch, name };
      if (!next.rename) delete next.rename;
      if (!next.type) delete next.type;
      return { ...o, columns: next.rename || next.type ? [...rest, next] : rest };
    });
  return (
    <>
      <ReadingOptionsForm value={opts} onChange={setOpts} />
      {detected.length ? (
        <div className="overflow-x-auto" tabIndex={0}>
          <table className="w-full min-w-[36rem] text-sm" data-testid="schema">
            <TableHead className="bg-transparent" labels={["Column in file", "Detected", "Name", "Type"]} />
            <tbody className="divide-y divide-slate-100">
              {detected.map((c) => (
                <tr key={c.name}>
                  <td className="py-1.5 pr-3 font-mono">{c.name}</td>
                  <td className="py-1.5 pr-3 font-mono text-slate-500">{c.type}</td>
                  <td className="py-1.5 pr-3">
                    <Input
                      aria-label={`Name for ${c.name}`}
                      placeholder={c.name}
                      value={override(c.name)?.rename ?? ""}
                      onChange={(e) => setColumn(c.name, { rename: e.target.value || undefined })}
                    />
                  </td>
                  <td className="py-1.5">
                    <Select
                      aria-label={`Type for ${c.name}`}
                      value={override(c.name)?.type ?? ""}
                      onChange={(e) => setColumn(c.name, { type: (e.target.value || undefined) as never })}
                    >
                      <option value="">as detected</option>
                      {COLUMN_TYPES.map((t) => (
                        <option key={t} value={t}>
                          {t}
                        </option>
                      ))}
                    </Select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
