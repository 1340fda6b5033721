import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { findMembershipsOfUser } from "@scrollintel/core/services/auth-service";
import { authOptions } from "@/server/auth/auth-options";
import { services } from "@/server/services";

export const dynamic = "force-dynamic";

/** Lands people where they work: their datasets, or the console for an operator with no workspace. */
export default async function Home() {
  const session = await getServerSession(authOptions());
  if (!session?.user) redirect("/signin");
  if (session.user.isPlatformAdmin) {
    const memberships = await findMembershipsOfUser(services().db, session.user.id);
    if (!memberships.length) redirect("/admin");
  }
  redirect("/datasets");
}
