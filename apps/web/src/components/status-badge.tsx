import { Badge } from "@scrollintel/ui/badge";

const TONES = {
  QUEUED: "neutral",
  INGESTING: "info",
  RUNNING: "info",
  READY: "success",
  SUCCEEDED: "success",
  FAILED: "danger",
  CANCELLED: "warning",
} as const;

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={TONES[status as keyof typeof TONES] ?? "neutral"} data-testid="status">
      {status.toLowerCase()}
    </Badge>
  );
}
