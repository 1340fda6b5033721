"use client";
import { useCallback, useEffect, useState } from "react";
import * as tus from "tus-js-client";

export interface UnfinishedUpload {
  key: string;
  name: string;
  size: number | null;
  stored: number | null;
  creationTime: string;
  uploadUrl: string;
}

/**
 * Uploads an earlier page left unfinished, from tus-js-client's fingerprint
 * store in localStorage, with how much the server holds of each (HEAD).
 * Entries the server no longer knows (expired, discarded) or holds whole
 * (finished) are forgotten. `seen` is every upload URL the last check found
 * in the store, listed or not (the page leaves out the ones this tab runs).
 */
export function useUnfinishedUploads() {
  const [items, setItems] = useState<UnfinishedUpload[]>([]);
  const [seen, setSeen] = useState<string[]>([]);
  const storage = tus.defaultOptions.urlStorage;

  const refresh = useCallback(async () => {
    const previous = await storage.findAllUploads();
    const found: UnfinishedUpload[] = [];
    const urls: string[] = [];
    for (const p of previous) {
      if (!p.uploadUrl) continue;
      const res = await fetch(p.uploadUrl, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } }).catch(() => null);
      if (res && (res.status === 404 || res.status === 410)) {
        await storage.removeUpload(p.urlStorageKey);
        continue;
      }
      const offset = res?.ok ? Number(res.headers.get("upload-offset")) : null;
      if (offset !== null && p.size !== null && offset >= p.size) {
        // Every byte is stored (its tab closed right after the last one): nothing is left to resume.
        await storage.removeUpload(p.urlStorageKey);
        continue;
      }
      urls.push(p.uploadUrl);
      found.push({
        key: p.urlStorageKey,
        name: p.metadata.filename ?? "upload",
        size: p.size,
        stored: offset,
        creationTime: p.creationTime,
        uploadUrl: p.uploadUrl,
      });
    }
    setItems(found);
    setSeen(urls);
  }, [storage]);

  const discard = useCallback(
    async (key: string) => {
      const item = items.find((i) => i.key === key);
      if (item) await tus.Upload.terminate(item.uploadUrl).catch(() => undefined);
      await storage.removeUpload(key);
      await refresh();
    },
    [items, refresh, storage],
  );

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return { unfinished: items, seen, refreshUnfinished: refresh, discard };
}
