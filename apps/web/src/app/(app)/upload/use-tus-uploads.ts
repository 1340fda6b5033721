"use client";
import { useCallback, useRef, useState } from "react";
import type { IngestOptions } from "@scrollintel/core/ingest-options";
import * as tus from "tus-js-client";
import type { UploadIntake } from "@scrollintel/core/intake-options";
import type { UploadRowState } from "@scrollintel/ui/upload-list";

export interface TrackedUpload {
  id: string;
  file: File;
  sent: number;
  total: number;
  state: UploadRowState;
  error?: string;
  /** Smoothed; 0 while nothing moves. */
  bytesPerSec: number;
  /** Offset an upload continued from after a reload or a lost connection. */
  resumedFrom?: number;
  retries: number;
  /** The server created (or still holds) the upload, so its bytes are reserved. */
  accepted: boolean;
  datasetId?: string;
  /** The tus URL of this upload, so the page can tell it apart from uploads other tabs or pages left. */
  uploadUrl?: string;
  /** Refused for good (4xx other than 409/423): permission, quota, size. Retrying cannot help. */
  refused?: boolean;
}

/**
 * 128 MiB: on S3 storage every part but the last is 128 MiB, so chunks of
 * that size are stored without re-assembly; a lost chunk costs at most that.
 */
const CHUNK = 128 * 1024 * 1024;
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000];

/** What the server said about a failed tus request, else the client's own message. */
export function errorText(e: Error): string {
  const body = (e as tus.DetailedError).originalResponse?.getBody()?.trim();
  return body || e.message;
}

/**
 * Network errors, 5xx, 409 and 423 are worth another try (tus-js-client's
 * rule), also while the browser says it is offline: a laptop that drops its
 * Wi-Fi for a minute should carry on, not fail.
 */
function worthRetrying(e: tus.DetailedError): boolean {
  const status = e.originalResponse?.getStatus() ?? 0;
  return status < 400 || status >= 500 || status === 409 || status === 423;
}

/**
 * tus uploads for the browser: resumable after a reload (fingerprints in
 * localStorage), retried on network errors, pausable and cancellable.
 * `onChange` runs when quota moves: an upload was created, finished or cancelled.
 */
export function useTusUploads(onChange: () => void, readingOptions?: IngestOptions) {
  const [uploads, setUploads] = useState<TrackedUpload[]>([]);
  // Read when a file starts: the options shown at that moment go with it.
  const options = useRef(readingOptions);
  options.current = readingOptions;
  const handles = useRef(new Map<string, tus.Upload>());
  const speed = useRef(new Map<string, { t: number; sent: number }>());

  const patch = useCallback(
    (id: string, p: Partial<TrackedUpload> | ((u: TrackedUpload) => Partial<TrackedUpload>)) => {
      setUploads((list) => list.map((u) => (u.id === id ? { ...u, ...(typeof p === "function" ? p(u) : p) } : u)));
    },
    [],
  );

  const progress = useCallback(
    (id: string, sent: number, total: number) => {
      const now = performance.now();
      const prev = speed.current.get(id);
      if (!prev || now - prev.t >= 500) speed.current.set(id, { t: now, sent });
      const instant = prev && now - prev.t >= 500 ? ((sent - prev.sent) / (now - prev.t)) * 1000 : null;
      patch(id, (u) => ({
        sent,
        total,
        state: "uploading",
        bytesPerSec: instant === null ? u.bytesPerSec : u.bytesPerSec ? 0.7 * u.bytesPerSec + 0.3 * instant : instant,
      }));
    },
    [patch],
  );

  const start = useCallback(
    (id: string, file: File, intake: UploadIntake) => {
      let firstPatch = true;
      let fingerprintSaved = false;
      const up = new tus.Upload(file, {
        endpoint: "/api/uploads",
        chunkSize: CHUNK,
        retryDelays: RETRY_DELAYS,
        metadata: {
          filename: file.name,
          filetype: file.type || "application/octet-stream",
          ...(options.current ? { options: JSON.stringify(options.current) } : {}),
          review: intake.review ? "1" : "0",
          onDuplicate: intake.onDuplicate,
        },
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        onUploadUrlAvailable: () => {
          patch(id, { accepted: true, uploadUrl: up.url ?? undefined });
          onChange();
        },
        onBeforeRequest: (req) => {
          if (req.getMethod() !== "PATCH") return;
          // The fingerprint is saved between the URL becoming known and the first PATCH: only now does
          // a check of unfinished uploads see this one (and the page knows to leave it out).
          if (!fingerprintSaved) {
            fingerprintSaved = true;
            onChange();
          }
          const offset = Number(req.getHeader("Upload-Offset") ?? 0);
          if (firstPatch && offset > 0) patch(id, { resumedFrom: offset, sent: offset });
          firstPatch = false;
        },
        onShouldRetry: (e, attempt) => {
          const retry = worthRetrying(e);
          if (retry) {
            firstPatch = true;
            patch(id, { state: "retrying", retries: attempt + 1, bytesPerSec: 0, error: errorText(e) });
          }
          return retry;
        },
        onProgress: (sent, total) => progress(id, sent, total),
        onSuccess: (payload) => {
          const datasetId = payload.lastResponse.getHeader("Upload-Dataset-Id") ?? undefined;
          patch(id, { state: "done", sent: file.size, bytesPerSec: 0, datasetId, error: undefined });
          onChange();
        },
        onError: (e) => {
          const refused = e instanceof tus.DetailedError && !worthRetrying(e);
          patch(id, { state: "error", error: errorText(e), bytesPerSec: 0, refused });
          // A refused upload cannot go on: drop what the server holds and the browser's note to resume it.
          if (refused) void up.abort(true).catch(() => undefined);
          onChange();
        },
      });
      handles.current.set(id, up);
      void up.findPreviousUploads().then((previous) => {
        if (previous[0]) up.resumeFromPreviousUpload(previous[0]);
        up.start();
      });
    },
    [onChange, patch, progress],
  );

  const add = useCallback(
    (files: File[], intake: UploadIntake) => {
      const added: TrackedUpload[] = files.map((file) => ({
        id: `${file.name}-${file.size}-${file.lastModified}-${Math.random().toString(36).slice(2, 8)}`,
        file,
        sent: 0,
        total: file.size,
        state: "queued",
        bytesPerSec: 0,
        retries: 0,
        accepted: false,
      }));
      setUploads((list) => [...list, ...added]);
      for (const a of added) start(a.id, a.file, intake);
    },
    [start],
  );

  const pause = useCallback(
    (id: string) => {
      void handles.current.get(id)?.abort(false);
      patch(id, { state: "paused", bytesPerSec: 0 });
    },
    [patch],
  );

  const resume = useCallback(
    (id: string) => {
      speed.current.delete(id);
      patch(id, { state: "uploading", error: undefined });
      handles.current.get(id)?.start();
    },
    [patch],
  );

  const cancel = useCallback(
    (id: string) => {
      // abort(true) sends DELETE: the server drops the bytes and gives the quota back.
      void handles.current.get(id)?.abort(true).then(onChange, onChange);
      patch(id, { state: "cancelled", bytesPerSec: 0 });
    },
    [onChange, patch],
  );

  return { uploads, add, pause, resume, cancel };
}
