"use client";
import { useRouter } from "next/navigation";
import { Card, CardBody } from "@scrollintel/ui/card";
import { Input, Label } from "@scrollintel/ui/input";
import { FormEnd } from "@/components/form-end";
import { useFormAction } from "@/components/use-form-action";

export function SetupForm({ token, email }: { token: string; email: string }) {
  const router = useRouter();
  const { error, busy, onSubmit } = useFormAction({
    check: (form) => (form.get("password") !== form.get("confirm") ? "The two passwords differ." : null),
    act: async (form) => {
      const res = await fetch("/api/setup", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token, name: form.get("name"), password: form.get("password") }),
      });
      if (!res.ok) return (await res.text()).trim();
      router.push("/signin");
      return null;
    },
  });

  return (
    <Card>
      <CardBody>
        <form onSubmit={onSubmit} className="space-y-4">
          <div>
            <Label htmlFor="email">Email</Label>
            <Input id="email" name="email" type="email" value={email} readOnly autoComplete="username" />
          </div>
          <div>
            <Label htmlFor="name">Name</Label>
            <Input id="name" name="name" required maxLength={200} autoFocus />
          </div>
          <div>
            <Label htmlFor="password">Password (at least 12 characters)</Label>
            <Input id="password" name="password" type="password" required minLength={12} autoComplete="new-password" />
          </div>
          <div>
            <Label htmlFor="confirm">Password again</Label>
            <Input id="confirm" name="confirm" type="password" required minLength={12} autoComplete="new-password" />
          </div>
          <FormEnd
            error={error}
            errorTitle="Could not create the admin"
            busy={busy}
            label="Create platform admin"
            busyLabel="Creating…"
          />
        </form>
      </CardBody>
    </Card>
  );
}
