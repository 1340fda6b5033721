import { Suspense } from "react";
import { InviteAccept } from "./invite-accept";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-md">
        <h1 className="mb-6 text-2xl font-semibold tracking-tight">ScrollIntel</h1>
        <Suspense>
          <InviteAccept token={token} />
        </Suspense>
      </div>
    </main>
  );
}
