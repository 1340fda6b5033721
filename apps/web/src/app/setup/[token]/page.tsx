import { getSetupLink } from "@scrollintel/core/services/setup-service";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { services } from "@/server/services";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";

/** The one-time link a production install prints for its first platform admin. */
export default async function SetupPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const link = await getSetupLink(services().db, token).catch(() => null);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <h1 className="mb-1 text-2xl font-semibold tracking-tight">ScrollIntel</h1>
        <p className="mb-6 text-sm text-slate-500">Create the first platform admin.</p>
        {link ? (
          <SetupForm token={token} email={link.email} />
        ) : (
          <ErrorNotice
            title="This link does not work"
            message="It is invalid, already used or expired. Restart the web server for a new one."
          />
        )}
      </div>
    </main>
  );
}
