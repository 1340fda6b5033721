"use client";
import { useState, type ReactNode } from "react";
import { Button } from "./button";
import { Dialog } from "./dialog";
import { Input, Label } from "./input";

/**
 * "Are you sure?" with a clear consequence. With `typeToConfirm`, the confirm
 * button stays disabled until that exact text is typed (for what cannot be
 * undone in one click). Enter in the field confirms.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  tone = "primary",
  typeToConfirm,
  busy = false,
  error,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: ReactNode;
  children?: ReactNode;
  confirmLabel: string;
  tone?: "primary" | "danger";
  typeToConfirm?: string;
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const [typed, setTyped] = useState("");
  const ready = !busy && (!typeToConfirm || typed === typeToConfirm);
  const close = () => {
    setTyped("");
    onClose();
  };
  return (
    <Dialog
      open={open}
      title={title}
      onClose={close}
      footer={
        <>
          <Button variant="secondary" size="sm" onClick={close}>
            Cancel
          </Button>
          <Button variant={tone} size="sm" disabled={!ready} onClick={onConfirm}>
            {busy ? "Working…" : confirmLabel}
          </Button>
        </>
      }
    >
      {children}
      {typeToConfirm ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (ready) onConfirm();
          }}
        >
          <Label htmlFor="confirm-text">
            Type <span className="font-mono font-semibold text-slate-900">{typeToConfirm}</span> to confirm
          </Label>
          <Input
            id="confirm-text"
            value={typed}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setTyped(e.target.value)}
          />
        </form>
      ) : null}
      {error ? (
        <p role="alert" className="text-rose-700">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
