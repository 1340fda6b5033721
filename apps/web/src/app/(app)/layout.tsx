import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { authOptions } from "@/server/auth/auth-options";
import { AppShell } from "./app-shell";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await getServerSession(authOptions());
  if (!session?.user) redirect("/signin");
  return <AppShell>{children}</AppShell>;
}
