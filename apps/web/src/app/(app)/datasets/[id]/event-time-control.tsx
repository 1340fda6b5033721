"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@scrollintel/ui/button";
import { Input, Label } from "@scrollintel/ui/input";
import { useTRPC } from "@/trpc/client";

/**
 * The column a stream's parts are sorted by, so time-range queries skip row
 * groups; editable with dataset.write, the server says why a column cannot be used.
 */
export function EventTimeControl(props: {
  datasetId: string;
  current: string | null;
  candidates: string[];
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [value, setValue] = useState(props.current ?? "");
  const save = useMutation(
    trpc.dataset.setStreamEventTime.mutationOptions({
      onSuccess: async (r) => {
        setValue(r.eventTimeColumn ?? "");
        await qc.invalidateQueries({ queryKey: trpc.dataset.streamStats.queryKey({ id: props.datasetId }) });
      },
    }),
  );
  const submit = (column: string | null) => save.mutate({ id: props.datasetId, column });
  const shown = props.current ? <code className="font-mono">{props.current}</code> : "arrival order";
  if (!props.canEdit) {
    return (
      <p className="text-sm text-slate-600" data-testid="event-time">
        Parts sorted by: {shown}
      </p>
    );
  }
  return (
    <form
      className="space-y-1"
      data-testid="event-time"
      onSubmit={(e) => {
        e.preventDefault();
        submit(value.trim() || null);
      }}
    >
      <Label htmlFor="event-time-column">Event-time column</Label>
      <div className="flex max-w-md flex-wrap items-center gap-2">
        <Input
          id="event-time-column"
          className="min-w-0 flex-1 font-mono"
          list="event-time-candidates"
          placeholder="none: arrival order"
          value={value}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setValue(e.target.value)}
        />
        <datalist id="event-time-candidates">
          {props.candidates.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <Button size="sm" type="submit" disabled={save.isPending || value.trim() === (props.current ?? "")}>
          {save.isPending ? "Saving…" : "Save"}
        </Button>
        {props.current ? (
          <Button size="sm" variant="secondary" type="button" disabled={save.isPending} onClick={() => submit(null)}>
            Clear
          </Button>
        ) : null}
      </div>
      <p className="text-xs text-slate-500">
        Parts sorted by: {shown}. New compactions and merges sort by this column (an epoch number or ISO-8601 text), so
        queries filtering on a time range skip the rest.
      </p>
      {save.error ? (
        <p role="alert" className="text-sm text-rose-700">
          {save.error.message}
        </p>
      ) : null}
    </form>
  );
}
