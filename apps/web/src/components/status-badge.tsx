import { Badge } from "@scrollintel/ui/badge";

const TONES = {
  QUEUED: "neutral",
  INGESTING: "info",
  RUNNING: "info",
  READY: "success",
  SUCCEEDED: "success",
  FAILED: "danger",
  CANCELLED: "warning",
  AWAITING_CONFIRMATION: "warning",
  INSPECTING: "info",
  AWAITING_REVIEW: "warning",
  AWAITING_DUPLICATE: "warning",
} as const;

/** Words for statuses whose names are not words. */
const LABELS: Record<string, string> = {
  INSPECTING: "previewing",
  AWAITING_REVIEW: "awaiting review",
  AWAITING_DUPLICATE: "duplicate: choose",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={TONES[status as keyof typeof TONES] ?? "neutral"} data-testid="status">
      {LABELS[status] ?? status.toLowerCase().replaceAll("_", " ")}
    </Badge>
  );
}
