"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { COLUMN_TYPES, type IngestOptions } from "@scrollintel/core/ingest-options";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input, Label, Select } from "@scrollintel/ui/input";
import { TableHead } from "@scrollintel/ui/table-head";
import { useTRPC } from "@/trpc/client";
import type { VersionSummary } from "./dataset-types";

interface Col {
  name: string;
  type: string;
}

/**
 * The detected schema with the user's overrides: names, types, delimiter,
 * header and bad-row policy. Applying re-ingests the upload as a new version.
 */
export function SchemaEditor({ from, detected }: { from: VersionSummary; detected: Col[] }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [opts, setOpts] = useState<IngestOptions>(from.options);
  const reingest = useMutation(trpc.dataset.reingest.mutationOptions({ onSuccess: () => void qc.invalidateQueries() }));
  const override = (name: string) => opts.columns.find((c) => c.name === name);
  const setColumn = (name: string, patch: { rename?: string; type?: (typeof COLUMN_TYPES)[number] }) =>
    setOpts((o) => {
      const rest = o.columns.filter((c) => c.name !== name);
      const next = { ...override(name), ...patch, name };
      if (!next.rename) delete next.rename;
      if (!next.type) delete next.type;
      return { ...o, columns: next.rename || next.type ? [...rest, next] : rest };
    });
  const header = opts.header === undefined ? "auto" : opts.header ? "yes" : "no";
  return (
    <Card>
      <CardHeader
        title="Schema and reading options"
        description={`As detected in version ${from.version}'s file. Changes re-ingest it as a new version; the current version stays queryable until the new one is ready.`}
      />
      <CardBody className="space-y-4">
        {from.append ? (
          <p className="text-sm text-slate-600">
            Version {from.version} appends a file to an earlier version; change the schema of the version it builds on.
          </p>
        ) : null}
        <div className="grid gap-3 sm:grid-cols-3">
          <div>
            <Label htmlFor="opt-delim">Delimiter (CSV)</Label>
            <Input
              id="opt-delim"
              placeholder="detect"
              maxLength={2}
              value={opts.delimiter ?? ""}
              onChange={(e) => setOpts({ ...opts, delimiter: e.target.value || undefined })}
            />
          </div>
          <div>
            <Label htmlFor="opt-header">First line is a header</Label>
            <Select
              id="opt-header"
              value={header}
              onChange={(e) =>
                setOpts({ ...opts, header: e.target.value === "auto" ? undefined : e.target.value === "yes" })
              }
            >
              <option value="auto">detect</option>
              <option value="yes">yes</option>
              <option value="no">no</option>
            </Select>
          </div>
          <div>
            <Label htmlFor="opt-bad">Bad rows</Label>
            <Select
              id="opt-bad"
              value={opts.badRows}
              onChange={(e) => setOpts({ ...opts, badRows: e.target.value as IngestOptions["badRows"] })}
            >
              <option value="fail">fail the ingest</option>
              <option value="skip">skip and report</option>
            </Select>
          </div>
        </div>
        <table className="w-full text-sm" data-testid="schema">
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
        {reingest.error ? <ErrorNotice title="Could not re-ingest" message={reingest.error.message} /> : null}
        <div className="flex justify-end">
          <Button
            disabled={from.append || reingest.isPending}
            onClick={() => reingest.mutate({ versionId: from.id, options: opts })}
          >
            Re-ingest as a new version
          </Button>
        </div>
      </CardBody>
    </Card>
  );
}
