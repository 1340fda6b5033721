"use client";
import { useState, type FormEvent } from "react";

/** What a form's action answers: the message to show, or null when it went through (and moved on). */
export type FormOutcome = string | null;

/**
 * A form's submit with its busy flag and its error: `check` refuses before
 * anything is sent (the page stays idle), `act` sends and answers.
 */
export function useFormAction(opts: {
  check?: (form: FormData) => FormOutcome;
  act: (form: FormData) => Promise<FormOutcome>;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const refused = opts.check?.(form) ?? null;
    if (refused) {
      setError(refused);
      return;
    }
    setBusy(true);
    setError(null);
    const outcome = await opts.act(form);
    setBusy(false);
    if (outcome) setError(outcome);
  }

  return { error, busy, onSubmit };
}
