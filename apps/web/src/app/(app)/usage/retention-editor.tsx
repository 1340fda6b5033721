"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent } from "react";
import { Button } from "@scrollintel/ui/button";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input, Label } from "@scrollintel/ui/input";
import type { RETENTION_BOUNDS, RetentionPolicy } from "@scrollintel/core/retention-policy";
import { useTRPC } from "@/trpc/client";

type Field = keyof RetentionPolicy;

/** Each setting, its label, and whether it may be left empty (no limit / never). */
const FIELDS: { name: Field; label: string; optional?: true }[] = [
  { name: "resultDays", label: "Query results and exports (days)" },
  { name: "uploadHours", label: "Unfinished uploads (hours)" },
  { name: "trashDays", label: "Trash (days)" },
  { name: "keepVersions", label: "Old versions: keep the newest", optional: true },
  { name: "versionDays", label: "Old versions: keep those younger than (days)", optional: true },
  { name: "archiveAfterDays", label: "Archive after not queried for (days)", optional: true },
];

/** The tenant admin's form: every field within the platform's bounds, which the inputs show. */
export function RetentionEditor(props: { policy: RetentionPolicy; bounds: typeof RETENTION_BOUNDS }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const save = useMutation(
    trpc.retention.update.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.retention.get.queryKey() }),
    }),
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const patch: Partial<Record<Field, number | null>> = {};
    for (const f of FIELDS) {
      const raw = String(form.get(f.name) ?? "").trim();
      patch[f.name] = raw === "" && f.optional ? null : Number(raw);
    }
    save.mutate(patch as Partial<RetentionPolicy>);
  };
  return (
    <form onSubmit={submit} className="space-y-3" aria-label="Retention policy">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {FIELDS.map((f) => {
          const b = props.bounds[f.name];
          const value = props.policy[f.name];
          return (
            <div key={f.name}>
              <Label htmlFor={`ret-${f.name}`}>{f.label}</Label>
              <Input
                id={`ret-${f.name}`}
                name={f.name}
                type="number"
                step={1}
                min={b.min}
                max={b.max}
                required={!f.optional}
                placeholder={f.optional ? "no limit" : undefined}
                defaultValue={value ?? ""}
              />
              <p className="mt-0.5 text-xs text-slate-500">
                {b.min}–{b.max}
                {f.optional ? ", or empty for none" : ""}
              </p>
            </div>
          );
        })}
      </div>
      {save.error ? <ErrorNotice message={save.error.message} /> : null}
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save retention"}
        </Button>
        {save.isSuccess ? <span className="text-sm text-emerald-700">Saved.</span> : null}
      </div>
    </form>
  );
}
