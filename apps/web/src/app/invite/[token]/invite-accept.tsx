"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { signIn, useSession } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input, Label } from "@scrollintel/ui/input";
import { useTRPC } from "@/trpc/client";

export function InviteAccept({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const session = useSession();
  const invite = useQuery({ ...trpc.invitation.get.queryOptions({ token }), retry: false });
  const accept = useMutation(trpc.invitation.accept.mutationOptions({ onSuccess: () => router.push("/datasets") }));
  const acceptNew = useMutation(trpc.invitation.acceptAsNewUser.mutationOptions());
  const [signInError, setSignInError] = useState<string | null>(null);

  async function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const email = String(f.get("email"));
    const password = String(f.get("password"));
    await acceptNew.mutateAsync({ token, email, password, name: String(f.get("name")) });
    const res = await signIn("credentials", { email, password, redirect: false });
    // The same answer whether or not the e-mail had an account: if it had, only its own password joins it.
    if (!res || res.error) {
      return setSignInError(
        "Sign in to finish joining. If this e-mail already has an account, sign in with that account's password, then open this link again.",
      );
    }
    router.push("/datasets");
    router.refresh();
  }

  if (invite.error) {
    return (
      <ErrorNotice
        title="This invitation cannot be used"
        message="It was used already, revoked, or has expired. Ask for a new link."
      />
    );
  }
  if (!invite.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const i = invite.data;
  return (
    <Card>
      <CardHeader
        title={`Join ${i.tenantName}`}
        description={`as ${i.role.toLowerCase()}${i.email ? ` (${i.email})` : ""}`}
      />
      <CardBody className="space-y-4">
        {session.status === "authenticated" ? (
          <>
            <p className="text-sm text-slate-600">Signed in as {session.data.user.email}.</p>
            <Button onClick={() => accept.mutate({ token })} disabled={accept.isPending}>
              Join workspace
            </Button>
            {accept.error ? <ErrorNotice message={accept.error.message} /> : null}
          </>
        ) : (
          <>
            <form onSubmit={(e) => void onCreate(e)} className="space-y-3">
              <div>
                <Label htmlFor="inv-name">Your name</Label>
                <Input id="inv-name" name="name" required autoComplete="name" />
              </div>
              <div>
                <Label htmlFor="inv-email">Email</Label>
                <Input
                  id="inv-email"
                  name="email"
                  type="email"
                  required
                  defaultValue={i.email ?? ""}
                  autoComplete="username"
                />
              </div>
              <div>
                <Label htmlFor="inv-password">Password (10+ characters)</Label>
                <Input
                  id="inv-password"
                  name="password"
                  type="password"
                  minLength={10}
                  required
                  autoComplete="new-password"
                />
              </div>
              <Button type="submit" disabled={acceptNew.isPending}>
                Create account and join
              </Button>
            </form>
            {acceptNew.error ? <ErrorNotice message={acceptNew.error.message} /> : null}
            {signInError ? <ErrorNotice title="One more step" message={signInError} /> : null}
            <p className="text-sm text-slate-600">
              Have an account?{" "}
              <Link
                className="text-indigo-700 underline"
                href={`/signin?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`}
              >
                Sign in first
              </Link>
              , then come back to this link.
            </p>
          </>
        )}
      </CardBody>
    </Card>
  );
}
