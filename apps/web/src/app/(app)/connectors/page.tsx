"use client";
import { Suspense } from "react";
import { ConnectorsView } from "./connectors-view";

/** Tenant admins' stream connectors (NATS JetStream into streaming datasets). */
export default function ConnectorsPage() {
  return (
    <Suspense>
      <ConnectorsView />
    </Suspense>
  );
}
