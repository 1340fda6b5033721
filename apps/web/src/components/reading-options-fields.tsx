"use client";
import type { ReactNode } from "react";
import type { IngestOptions } from "@scrollintel/core/ingest-options";
import { Label } from "@scrollintel/ui/input";

/** What each group of the reading-options form gets: the options, a patcher and a unique id prefix. */
export interface OptionsGroupProps {
  o: IngestOptions;
  set: (patch: Partial<IngestOptions>) => void;
  id: string;
}

export function Field({
  id,
  label,
  hint,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div>
      <Label htmlFor={id}>{label}</Label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function Group({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="min-w-0">
      <legend className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{legend}</legend>
      <div className="grid gap-3 @xl:grid-cols-2 @4xl:grid-cols-4">{children}</div>
    </fieldset>
  );
}
