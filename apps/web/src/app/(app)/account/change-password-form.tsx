"use client";
import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input, Label } from "@scrollintel/ui/input";
import { useTRPC } from "@/trpc/client";
import { checkPasswordChange, type PasswordField, type PasswordErrors } from "./password-change-check";

const FIELDS: { name: PasswordField; label: string; autoComplete: string; hint?: string }[] = [
  { name: "currentPassword", label: "Current password", autoComplete: "current-password" },
  { name: "newPassword", label: "New password", autoComplete: "new-password", hint: "At least 8 characters." },
  { name: "confirmPassword", label: "Confirm new password", autoComplete: "new-password" },
];

/**
 * Current, new and confirmed password. Errors sit under their field and the
 * first one takes the focus; on success every session of this person ends
 * (the server bumps its session version), this one included, so the form
 * gives way to a sign-in button.
 */
export function ChangePasswordForm() {
  const trpc = useTRPC();
  const [errors, setErrors] = useState<PasswordErrors>({});
  const done = useRef<HTMLHeadingElement>(null);
  const change = useMutation(
    trpc.account.changePassword.mutationOptions({
      onError: (e) => {
        // The server names the field its message is about ("currentPassword: wrong password").
        const m = /^(currentPassword|newPassword): (.*)$/.exec(e.message);
        if (m) setErrors({ [m[1] as PasswordField]: m[2]! });
      },
    }),
  );
  useEffect(() => {
    const first = FIELDS.find((f) => errors[f.name]);
    if (first) document.getElementById(first.name)?.focus();
  }, [errors]);
  useEffect(() => {
    if (change.isSuccess) done.current?.focus();
  }, [change.isSuccess]);

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const values = Object.fromEntries(FIELDS.map((f) => [f.name, String(form.get(f.name) ?? "")])) as Record<
      PasswordField,
      string
    >;
    const found = checkPasswordChange(values);
    setErrors(found);
    if (Object.keys(found).length) return;
    change.mutate({ currentPassword: values.currentPassword, newPassword: values.newPassword });
  }

  if (change.isSuccess) {
    return (
      <Card>
        <CardBody className="space-y-3" role="status" data-testid="password-changed">
          <h2 ref={done} tabIndex={-1} className="text-base font-semibold text-emerald-800 focus:outline-none">
            Password changed
          </h2>
          <p className="text-sm text-slate-700">
            Every session of yours has ended, on every device and this one too. Sign in again with your new password.
          </p>
          <Button onClick={() => void signOut({ callbackUrl: "/signin" })}>Sign in again</Button>
        </CardBody>
      </Card>
    );
  }
  const unexplained = change.error && !/^(currentPassword|newPassword): /.test(change.error.message);
  return (
    <Card>
      <CardHeader title="Change password" description="Changing it signs you out everywhere, this browser included." />
      <CardBody>
        <form noValidate onSubmit={submit} className="space-y-4" aria-label="Change password">
          {FIELDS.map((f) => {
            const error = errors[f.name];
            const hintId = f.hint ? `${f.name}-hint` : undefined;
            const errorId = error ? `${f.name}-error` : undefined;
            return (
              <div key={f.name}>
                <Label htmlFor={f.name}>{f.label}</Label>
                <Input
                  id={f.name}
                  name={f.name}
                  type="password"
                  autoComplete={f.autoComplete}
                  required
                  aria-invalid={error ? true : undefined}
                  aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
                  className={error ? "border-red-500" : undefined}
                />
                {f.hint ? (
                  <p id={hintId} className="mt-1 text-xs text-slate-500">
                    {f.hint}
                  </p>
                ) : null}
                {error ? (
                  <p id={errorId} className="mt-1 text-sm text-red-700" data-testid={`${f.name}-error`}>
                    {error}
                  </p>
                ) : null}
              </div>
            );
          })}
          {unexplained ? <ErrorNotice title="Could not change the password" message={change.error.message} /> : null}
          <div className="flex justify-end">
            <Button type="submit" disabled={change.isPending}>
              {change.isPending ? "Changing…" : "Change password"}
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
