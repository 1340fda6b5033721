"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@scrollintel/ui/button";
import { Dialog } from "@scrollintel/ui/dialog";
import { Input, Label } from "@scrollintel/ui/input";
import { useTRPC } from "@/trpc/client";

/** A new SQL name for the dataset; the server says why a name cannot be used. */
export function RenameDialog({
  open,
  id,
  name,
  onClose,
}: {
  open: boolean;
  id: string;
  name: string;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [value, setValue] = useState(name);
  const rename = useMutation(
    trpc.dataset.rename.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries();
        onClose();
      },
    }),
  );
  const close = () => {
    rename.reset();
    setValue(name);
    onClose();
  };
  const submit = () => rename.mutate({ id, name: value.trim() });
  return (
    <Dialog
      open={open}
      title={`Rename ${name}`}
      onClose={close}
      footer={
        <>
          <Button variant="secondary" size="sm" onClick={close}>
            Cancel
          </Button>
          <Button size="sm" disabled={rename.isPending || !value.trim() || value.trim() === name} onClick={submit}>
            {rename.isPending ? "Renaming…" : "Rename"}
          </Button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Label htmlFor="dataset-name">New name</Label>
        <Input
          id="dataset-name"
          className="font-mono"
          value={value}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setValue(e.target.value)}
        />
      </form>
      <p>Lowercase letters, digits and _. Saved queries that use the old name need editing.</p>
      {rename.error ? (
        <p role="alert" className="text-rose-700">
          {rename.error.message}
        </p>
      ) : null}
    </Dialog>
  );
}
