import type { UnfinishedUploadRow } from "@scrollintel/ui/unfinished-upload-list";
import type { UploadRow } from "@scrollintel/ui/upload-list";
import { formatBytes, formatDuration, formatTime } from "@/components/format";
import type { TrackedUpload } from "./use-tus-uploads";
import type { UnfinishedUpload } from "./use-unfinished-uploads";

/** "42.0 MiB/s · 3 min 10 s left", or "" while nothing moves. */
export function rateLabel(bytesLeft: number, bytesPerSec: number): string {
  if (bytesPerSec <= 0) return "";
  return `${formatBytes(bytesPerSec)}/s · ${formatDuration(bytesLeft / bytesPerSec)} left`;
}

function detail(u: TrackedUpload): string {
  if (u.state === "error") return u.error ?? "";
  if (u.state === "retrying") return `connection lost, retry ${u.retries}`;
  const resumed = u.resumedFrom ? `continued at ${((u.resumedFrom / u.total) * 100).toFixed(0)}%` : "";
  const rate = u.state === "uploading" ? rateLabel(u.total - u.sent, u.bytesPerSec) : "";
  return [resumed, rate].filter(Boolean).join(" · ");
}

export function toRow(u: TrackedUpload): UploadRow {
  return {
    id: u.id,
    name: u.file.name,
    sizeLabel: formatBytes(u.file.size),
    percent: u.total ? (u.sent / u.total) * 100 : 0,
    state: u.state,
    detail: detail(u),
    refused: u.refused,
  };
}

export function toUnfinishedRow(u: UnfinishedUpload): UnfinishedUploadRow {
  return {
    id: u.key,
    name: u.name,
    sizeLabel: u.size === null ? "unknown size" : formatBytes(u.size),
    percent: u.stored !== null && u.size ? (u.stored / u.size) * 100 : null,
    startedLabel: formatTime(u.creationTime),
  };
}

/** Totals over the uploads still in play (not cancelled, not failed). */
export function totals(uploads: TrackedUpload[]) {
  const live = uploads.filter((u) => u.state !== "cancelled" && u.state !== "error");
  const total = live.reduce((s, u) => s + u.total, 0);
  const sent = live.reduce((s, u) => s + u.sent, 0);
  const bytesPerSec = live.reduce((s, u) => s + (u.state === "uploading" ? u.bytesPerSec : 0), 0);
  return { live, total, sent, bytesPerSec, done: live.filter((u) => u.state === "done").length };
}
