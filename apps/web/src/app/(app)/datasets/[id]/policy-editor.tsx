"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { MASK_METHODS, type DatasetPolicy, type MaskMethod, type Subject } from "@scrollintel/core/access/policy";
import { ROLES } from "@scrollintel/shared/roles";
import { Button } from "@scrollintel/ui/button";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input, Label, Select } from "@scrollintel/ui/input";
import { useTRPC } from "@/trpc/client";
import { PolicyRuleEnd, replaceAt, type PolicyGroup } from "./policy-rule-end";

interface Props {
  datasetId: string;
  policy: DatasetPolicy;
  columns: string[];
  groups: PolicyGroup[];
}

const keyOf = (s: Subject) =>
  s.kind === "role" ? `role:${s.role}` : s.kind === "group" ? `group:${s.groupId}` : "everyone";

function subjectOf(key: string): Subject {
  if (key.startsWith("role:")) return { kind: "role", role: key.slice(5) as (typeof ROLES)[number] };
  if (key.startsWith("group:")) return { kind: "group", groupId: key.slice(6) };
  return { kind: "everyone" };
}

const flat = <T extends { subjects: Subject[] }>(rules: T[]) =>
  rules.flatMap((r) => r.subjects.map((s) => ({ ...r, subject: keyOf(s) })));

export function PolicyEditor({ datasetId, policy, columns, groups }: Props) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [visibility, setVisibility] = useState(policy.visibility);
  const [allow, setAllow] = useState(new Set(policy.allow.map(keyOf)));
  const [masks, setMasks] = useState(
    flat(policy.masks).map(({ column, method, subject }) => ({ column, method, subject })),
  );
  const [filters, setFilters] = useState(
    flat(policy.rowFilters).map(({ predicate, subject }) => ({ predicate, subject })),
  );
  const save = useMutation(trpc.access.setPolicy.mutationOptions({ onSuccess: () => void qc.invalidateQueries() }));
  const allowKeys = [...ROLES.map((r) => `role:${r}`), ...groups.map((g) => `group:${g.id}`)];
  const label = (k: string) =>
    k.startsWith("role:")
      ? `role ${k.slice(5).toLowerCase()}`
      : `group ${groups.find((g) => `group:${g.id}` === k)?.name ?? "?"}`;

  function submit() {
    save.mutate({
      datasetId,
      policy: {
        visibility,
        allow: visibility === "restricted" ? [...allow].map(subjectOf) : [],
        masks: masks.map((m) => ({ column: m.column, method: m.method, subjects: [subjectOf(m.subject)] })),
        rowFilters: filters.map((f) => ({ predicate: f.predicate, subjects: [subjectOf(f.subject)] })),
      },
    });
  }

  return (
    <form
      className="space-y-4 border-t border-slate-100 pt-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      data-testid="policy-editor"
    >
      <div className="grid gap-2 sm:grid-cols-[12rem_1fr] sm:items-start">
        <Label htmlFor="policy-visibility">Visible to</Label>
        <div className="space-y-2">
          <Select
            id="policy-visibility"
            value={visibility}
            onChange={(e) => setVisibility(e.target.value as DatasetPolicy["visibility"])}
          >
            <option value="everyone">everyone in the workspace</option>
            <option value="restricted">only the roles and groups ticked</option>
          </Select>
          {visibility === "restricted" ? (
            <fieldset className="flex flex-wrap gap-3 text-sm">
              <legend className="sr-only">Allowed roles and groups</legend>
              {allowKeys.map((k) => (
                <label key={k} className="flex items-center gap-1.5">
                  <input
                    type="checkbox"
                    checked={allow.has(k)}
                    onChange={(e) => {
                      const next = new Set(allow);
                      if (e.target.checked) next.add(k);
                      else next.delete(k);
                      setAllow(next);
                    }}
                  />
                  {label(k)}
                </label>
              ))}
            </fieldset>
          ) : null}
        </div>
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Column masks</legend>
        {masks.map((m, i) => (
          <div key={i} className="grid gap-2 sm:grid-cols-[1fr_9rem_1fr_auto]">
            <Select
              aria-label={`Column of mask ${i + 1}`}
              value={m.column}
              onChange={(e) => setMasks(replaceAt(masks, i, { column: e.target.value }))}
            >
              {columns.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </Select>
            <Select
              aria-label={`Method of mask ${i + 1}`}
              value={m.method}
              onChange={(e) => setMasks(replaceAt(masks, i, { method: e.target.value as MaskMethod }))}
            >
              {MASK_METHODS.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </Select>
            <PolicyRuleEnd
              id={`mask-subject-${i}`}
              subject={m.subject}
              groups={groups}
              onSubject={(v) => setMasks(replaceAt(masks, i, { subject: v }))}
              onRemove={() => setMasks(masks.filter((_, j) => j !== i))}
            />
          </div>
        ))}
        <Button
          variant="secondary"
          size="sm"
          disabled={!columns.length}
          onClick={() => setMasks([...masks, { column: columns[0] ?? "", method: "redact", subject: "role:VIEWER" }])}
        >
          Add a mask
        </Button>
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Row filters</legend>
        <p className="text-xs text-slate-500">
          A condition on this dataset&apos;s columns; <code>user.&lt;attribute&gt;</code> reads the member&apos;s
          attributes, e.g. <code>region = user.region</code>.
        </p>
        {filters.map((f, i) => (
          <div key={i} className="grid gap-2 sm:grid-cols-[2fr_1fr_auto]">
            <Input
              aria-label={`Row filter ${i + 1}`}
              className="font-mono"
              value={f.predicate}
              onChange={(e) => setFilters(replaceAt(filters, i, { predicate: e.target.value }))}
            />
            <PolicyRuleEnd
              id={`filter-subject-${i}`}
              subject={f.subject}
              groups={groups}
              onSubject={(v) => setFilters(replaceAt(filters, i, { subject: v }))}
              onRemove={() => setFilters(filters.filter((_, j) => j !== i))}
            />
          </div>
        ))}
        <Button
          variant="secondary"
          size="sm"
          onClick={() => setFilters([...filters, { predicate: "", subject: "role:VIEWER" }])}
        >
          Add a row filter
        </Button>
      </fieldset>
      {save.error ? <ErrorNotice title="Not saved" message={save.error.message} /> : null}
      {save.isSuccess ? <p className="text-sm text-emerald-700">Saved; the change is in the audit log.</p> : null}
      <Button type="submit" disabled={save.isPending}>
        {save.isPending ? "Saving…" : "Save access policy"}
      </Button>
    </form>
  );
}
