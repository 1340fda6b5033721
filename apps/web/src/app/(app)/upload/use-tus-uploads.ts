"use client";
import { useCallback, useRef, useState } from "react";
import * as tus from "tus-js-client";

export interface TrackedUpload {
  id: string;
  file: File;
  sent: number;
  total: number;
  state: "queued" | "uploading" | "paused" | "done" | "error" | "cancelled";
  error?: string;
  bytesPerSec: number;
  datasetId?: string;
}

const CHUNK = 16 * 1024 * 1024;

function errorText(e: Error): string {
  const res = (e as tus.DetailedError).originalResponse;
  const body = res?.getBody()?.trim();
  return body || e.message;
}

/**
 * tus uploads for the browser: resumable after a reload (fingerprints in
 * localStorage), retried on network errors, pausable and cancellable.
 */
export function useTusUploads(onFinished: () => void) {
  const [uploads, setUploads] = useState<TrackedUpload[]>([]);
  const handles = useRef(new Map<string, tus.Upload>());
  const speed = useRef(new Map<string, { t: number; sent: number }>());

  const patch = useCallback((id: string, p: Partial<TrackedUpload>) => {
    setUploads((list) => list.map((u) => (u.id === id ? { ...u, ...p } : u)));
  }, []);

  const start = useCallback(
    (id: string, file: File) => {
      const up = new tus.Upload(file, {
        endpoint: "/api/uploads",
        chunkSize: CHUNK,
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
        metadata: { filename: file.name, filetype: file.type || "application/octet-stream" },
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        onProgress: (sent, total) => {
          const now = performance.now();
          const prev = speed.current.get(id);
          let bps = 0;
          if (prev && now - prev.t > 250) {
            bps = ((sent - prev.sent) / (now - prev.t)) * 1000;
            speed.current.set(id, { t: now, sent });
          } else if (!prev) speed.current.set(id, { t: now, sent });
          setUploads((list) =>
            list.map((u) =>
              u.id === id ? { ...u, sent, total, state: "uploading", bytesPerSec: bps || u.bytesPerSec } : u,
            ),
          );
        },
        onSuccess: (payload) => {
          const datasetId = payload.lastResponse.getHeader("Upload-Dataset-Id") ?? undefined;
          patch(id, { state: "done", sent: file.size, datasetId });
          onFinished();
        },
        onError: (e) => patch(id, { state: "error", error: errorText(e) }),
      });
      handles.current.set(id, up);
      patch(id, { state: "uploading", error: undefined });
      void up.findPreviousUploads().then((previous) => {
        if (previous[0]) up.resumeFromPreviousUpload(previous[0]);
        up.start();
      });
    },
    [onFinished, patch],
  );

  const add = useCallback(
    (files: File[]) => {
      const added = files.map((file) => ({
        id: `${file.name}-${file.size}-${file.lastModified}-${Math.random().toString(36).slice(2, 8)}`,
        file,
        sent: 0,
        total: file.size,
        state: "queued" as const,
        bytesPerSec: 0,
      }));
      setUploads((list) => [...list, ...added]);
      for (const a of added) start(a.id, a.file);
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
      const h = handles.current.get(id);
      if (!h) return;
      speed.current.delete(id);
      patch(id, { state: "uploading", error: undefined });
      h.start();
    },
    [patch],
  );

  const cancel = useCallback(
    (id: string) => {
      void handles.current.get(id)?.abort(true);
      patch(id, { state: "cancelled", bytesPerSec: 0 });
    },
    [patch],
  );

  return { uploads, add, pause, resume, cancel };
}
