"use client";
import { useState } from "react";
import { COMMON_ENCODINGS, JSON_LAYOUTS, type IngestOptions, type JsonLayout } from "@scrollintel/core/ingest-options";
import { MIB } from "@scrollintel/shared/bytes";
import { Input, Select } from "@scrollintel/ui/input";
import { Field, Group, type OptionsGroupProps } from "./reading-options-fields";

const LAYOUT_LABELS: Record<JsonLayout, string> = {
  auto: "detect",
  ndjson: "one record per line (NDJSON)",
  array: "one array of records",
  document: "whole documents (pretty-printed)",
};

/** One character or unset; "\t" stays two characters (the option's spelling of tab). */
const char = (v: string) => v || undefined;

/** Encoding, line size and ends, bad rows: for every text format. */
export function TextOptions({ o, set, id }: OptionsGroupProps) {
  return (
    <Group legend="Text">
      <Field id={`${id}-enc`} label="Encoding">
        <Select id={`${id}-enc`} value={o.encoding} onChange={(e) => set({ encoding: e.target.value })}>
          {COMMON_ENCODINGS.map((e) => (
            <option key={e.value} value={e.value}>
              {e.label}
            </option>
          ))}
          {COMMON_ENCODINGS.some((e) => e.value === o.encoding) ? null : (
            <option value={o.encoding}>{o.encoding}</option>
          )}
        </Select>
      </Field>
      <Field
        id={`${id}-max`}
        label="Maximum line size (MiB)"
        hint="Default 1.9 MiB (2,000,000 bytes); raise it for very long fields."
      >
        <Input
          id={`${id}-max`}
          type="number"
          min={1}
          max={1024}
          inputMode="numeric"
          placeholder="2"
          aria-describedby={`${id}-max-hint`}
          value={o.maxLineBytes ? Math.round((o.maxLineBytes / MIB) * 100) / 100 : ""}
          onChange={(e) => set({ maxLineBytes: e.target.value ? Math.round(Number(e.target.value) * MIB) : undefined })}
        />
      </Field>
      <Field id={`${id}-eol`} label="Line ends" hint="Mixed CRLF and LF are made LF when detected.">
        <Select
          id={`${id}-eol`}
          aria-describedby={`${id}-eol-hint`}
          value={o.lineEnds}
          onChange={(e) => set({ lineEnds: e.target.value as IngestOptions["lineEnds"] })}
        >
          <option value="auto">detect</option>
          <option value="normalize">always make CRLF and CR into LF</option>
        </Select>
      </Field>
      <Field id={`${id}-bad`} label="Bad rows">
        <Select
          id={`${id}-bad`}
          value={o.badRows}
          onChange={(e) => set({ badRows: e.target.value as IngestOptions["badRows"] })}
        >
          <option value="fail">fail the ingest</option>
          <option value="skip">skip and report</option>
        </Select>
      </Field>
      {o.badRows === "skip" ? (
        <Field
          id={`${id}-maxrej`}
          label="Ask me first above (% skipped)"
          hint="A version that skips more waits for your confirmation before queries see it."
        >
          <Input
            id={`${id}-maxrej`}
            type="number"
            min={0}
            max={100}
            step={1}
            inputMode="numeric"
            aria-describedby={`${id}-maxrej-hint`}
            value={o.maxRejectPercent}
            onChange={(e) =>
              set({ maxRejectPercent: Math.min(100, Math.max(0, Math.round(Number(e.target.value) || 0))) })
            }
          />
        </Field>
      ) : null}
    </Group>
  );
}

/** Dialect, NULL texts and date formats: CSV only. */
export function CsvOptions({ o, set, id }: OptionsGroupProps) {
  // Free text kept as typed (", " and all); the option gets the parsed list.
  const [nulls, setNulls] = useState(o.nullStrings.join(", "));
  const header = o.header === undefined ? "auto" : o.header ? "yes" : "no";
  return (
    <Group legend="CSV">
      <Field id={`${id}-delim`} label="Delimiter" hint="One character; \t for tab.">
        <Input
          id={`${id}-delim`}
          placeholder="detect"
          maxLength={2}
          aria-describedby={`${id}-delim-hint`}
          value={o.delimiter ?? ""}
          onChange={(e) => set({ delimiter: char(e.target.value) })}
        />
      </Field>
      <Field id={`${id}-header`} label="First line is a header">
        <Select
          id={`${id}-header`}
          value={header}
          onChange={(e) => set({ header: e.target.value === "auto" ? undefined : e.target.value === "yes" })}
        >
          <option value="auto">detect</option>
          <option value="yes">yes</option>
          <option value="no">no</option>
        </Select>
      </Field>
      <Field id={`${id}-quote`} label="Quote character">
        <Input
          id={`${id}-quote`}
          placeholder="detect"
          maxLength={2}
          value={o.quote ?? ""}
          onChange={(e) => set({ quote: char(e.target.value) })}
        />
      </Field>
      <Field id={`${id}-esc`} label="Escape character">
        <Input
          id={`${id}-esc`}
          placeholder="detect"
          maxLength={2}
          value={o.escape ?? ""}
          onChange={(e) => set({ escape: char(e.target.value) })}
        />
      </Field>
      <Field id={`${id}-null`} label="Texts read as empty (NULL)" hint="Comma-separated, e.g. NA, -, null.">
        <Input
          id={`${id}-null`}
          placeholder="none besides empty fields"
          aria-describedby={`${id}-null-hint`}
          value={nulls}
          onChange={(e) => {
            setNulls(e.target.value);
            set({
              nullStrings: e.target.value
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean),
            });
          }}
        />
      </Field>
      <Field id={`${id}-date`} label="Date format" hint="strftime codes, e.g. %d/%m/%Y.">
        <Input
          id={`${id}-date`}
          placeholder="detect"
          aria-describedby={`${id}-date-hint`}
          value={o.dateFormat ?? ""}
          onChange={(e) => set({ dateFormat: e.target.value || undefined })}
        />
      </Field>
      <Field id={`${id}-ts`} label="Timestamp format" hint="e.g. %d/%m/%Y %H:%M:%S.">
        <Input
          id={`${id}-ts`}
          placeholder="detect"
          aria-describedby={`${id}-ts-hint`}
          value={o.timestampFormat ?? ""}
          onChange={(e) => set({ timestampFormat: e.target.value || undefined })}
        />
      </Field>
    </Group>
  );
}

/** Layout and flattening: JSON (flatten also applies to Parquet structs). */
export function JsonOptions({ o, set, id }: OptionsGroupProps) {
  return (
    <Group legend="JSON">
      <Field id={`${id}-layout`} label="JSON layout">
        <Select
          id={`${id}-layout`}
          value={o.jsonLayout}
          onChange={(e) => set({ jsonLayout: e.target.value as JsonLayout })}
        >
          {JSON_LAYOUTS.map((l) => (
            <option key={l} value={l}>
              {LAYOUT_LABELS[l]}
            </option>
          ))}
        </Select>
      </Field>
      <div className="flex items-end pb-2">
        <label className="flex items-center gap-2 text-sm font-medium text-slate-700" htmlFor={`${id}-flat`}>
          <input
            id={`${id}-flat`}
            type="checkbox"
            className="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-2 focus:ring-indigo-500/30"
            checked={o.flatten}
            onChange={(e) => set({ flatten: e.target.checked })}
          />
          Flatten nested fields (a.b → a_b)
        </label>
      </div>
    </Group>
  );
}
