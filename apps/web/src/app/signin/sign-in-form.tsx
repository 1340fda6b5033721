"use client";
import { signIn } from "next-auth/react";
import { useRouter, useSearchParams } from "next/navigation";
import { Card, CardBody } from "@scrollintel/ui/card";
import { Input, Label } from "@scrollintel/ui/input";
import { safeRedirectPath } from "@scrollintel/core/safe-redirect";
import { parseSignInLocked, signInLockedMessage } from "@/components/sign-in-errors";
import { FormEnd } from "@/components/form-end";
import { useFormAction } from "@/components/use-form-action";

export function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const { error, busy, onSubmit } = useFormAction({
    act: async (form) => {
      const res = await signIn("credentials", {
        email: String(form.get("email")),
        password: String(form.get("password")),
        redirect: false,
      });
      if (!res || res.error) {
        const lockedUntil = parseSignInLocked(res?.error);
        return lockedUntil ? signInLockedMessage(lockedUntil) : "Wrong email or password.";
      }
      router.push(safeRedirectPath(params.get("callbackUrl")));
      router.refresh();
      return null;
    },
  });

  return (
    <Card>
      <CardBody>
        <form onSubmit={onSubmit} className="space-y-4">
          <div>
            <Label htmlFor="email">Email</Label>
            <Input id="email" name="email" type="email" autoComplete="username" required autoFocus />
          </div>
          <div>
            <Label htmlFor="password">Password</Label>
            <Input id="password" name="password" type="password" autoComplete="current-password" required />
          </div>
          <FormEnd error={error} errorTitle="Could not sign in" busy={busy} label="Sign in" busyLabel="Signing in…" />
        </form>
      </CardBody>
    </Card>
  );
}
