/** Totals at one look; rates are the differences between looks. */
export interface Totals {
  requests: number;
  errors: number;
  jobs: number;
  jobErrors: number;
  queueWaiting: number;
}

export interface HistoryPoint {
  at: number;
  requestsPerSecond: number;
  errorsPerSecond: number;
  jobsPerMinute: number;
  jobErrorsPerMinute: number;
  queueWaiting: number;
}

/** 10 minutes at one look per 5 s. */
const KEEP = 120;
const MIN_GAP_MS = 4000;

const g = globalThis as unknown as {
  scrollintelSystemHistory?: { last: (Totals & { at: number }) | null; points: HistoryPoint[] };
};

/**
 * Adds a point (at most one per 4 s, however many operators look) and returns
 * the history. Kept in this process's memory: it starts when someone first
 * opens the page; Prometheus keeps the long view.
 */
export function recordSample(t: Totals, now = Date.now()): HistoryPoint[] {
  const h = (g.scrollintelSystemHistory ??= { last: null, points: [] });
  const last = h.last;
  if (last && now - last.at < MIN_GAP_MS) return h.points;
  if (last) {
    const s = (now - last.at) / 1000;
    const rate = (a: number, b: number) => Math.max(0, a - b) / s;
    h.points.push({
      at: now,
      requestsPerSecond: rate(t.requests, last.requests),
      errorsPerSecond: rate(t.errors, last.errors),
      jobsPerMinute: rate(t.jobs, last.jobs) * 60,
      jobErrorsPerMinute: rate(t.jobErrors, last.jobErrors) * 60,
      queueWaiting: t.queueWaiting,
    });
    if (h.points.length > KEEP) h.points.splice(0, h.points.length - KEEP);
  }
  h.last = { ...t, at: now };
  return h.points;
}
