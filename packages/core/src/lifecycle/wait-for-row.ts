import { waitUntilDone, type NotifyListener } from "../db/notify-listener";

/**
 * The one way a request waits for a worker to settle a row (a query run, a
 * result page, an export, an ingest, a deletion): reads the row, and until
 * `settled(row)` or `timeoutMs`, reads it again whenever `id` is NOTIFYed (with
 * a listener) or on a backoff poll (without). Returns the last row read, or
 * null when there is none (another tenant's, or deleted).
 */
export async function waitForRow<T>(opts: {
  id: string;
  timeoutMs: number;
  read: () => Promise<T | null>;
  settled: (row: T) => boolean;
  listener?: NotifyListener | null;
}): Promise<T | null> {
  let row: T | null = null;
  await waitUntilDone({
    id: opts.id,
    timeoutMs: opts.timeoutMs,
    listener: opts.listener,
    check: async () => {
      row = await opts.read();
      return row === null || opts.settled(row);
    },
  });
  return row;
}
