"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ChartSpec } from "@scrollintel/ui/result-chart";
import { Button } from "@scrollintel/ui/button";
import { Input } from "@scrollintel/ui/input";
import { useTRPC } from "@/trpc/client";
import type { SavedQuery } from "./saved-queries";

/**
 * Saves the editor's SQL with the current chart: updates the open saved query
 * when it is the caller's, otherwise saves a new one under a name.
 */
export function SaveQueryForm(props: {
  sql: string;
  chart: ChartSpec | null;
  open: SavedQuery | null;
  onSaved: (q: SavedQuery) => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState("");
  const [shared, setShared] = useState(false);
  const done = (q: SavedQuery) => {
    setNaming(false);
    void qc.invalidateQueries({ queryKey: trpc.savedQuery.list.queryKey() });
    props.onSaved(q);
  };
  const create = useMutation(trpc.savedQuery.create.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.savedQuery.update.mutationOptions({ onSuccess: done }));
  const error = create.error ?? update.error;
  if (naming) {
    return (
      <form
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name, sql: props.sql, chart: props.chart, shared });
        }}
      >
        <Input
          aria-label="Query name"
          placeholder="Name"
          className="w-56"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <label className="flex items-center gap-1 text-sm text-slate-600">
          <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} /> share with workspace
        </label>
        <Button type="submit" size="sm" disabled={!name.trim() || create.isPending}>
          Save
        </Button>
        <Button variant="ghost" size="sm" onClick={() => setNaming(false)}>
          Cancel
        </Button>
        {error ? <span className="text-xs text-rose-700">{error.message}</span> : null}
      </form>
    );
  }
  return (
    <div className="flex items-center gap-2">
      {props.open?.mine ? (
        <Button
          variant="secondary"
          size="sm"
          disabled={update.isPending}
          onClick={() => update.mutate({ id: props.open!.id, patch: { sql: props.sql, chart: props.chart } })}
        >
          Save “{props.open.name}”
        </Button>
      ) : null}
      <Button variant="secondary" size="sm" disabled={!props.sql.trim()} onClick={() => setNaming(true)}>
        {props.open ? "Save as new…" : "Save…"}
      </Button>
      {error ? <span className="text-xs text-rose-700">{error.message}</span> : null}
    </div>
  );
}
