/**
 * The ingest accounting invariant: every data record the worker read is
 * either a stored row or a listed reject. Client-safe (the dataset page
 * formats the same figures).
 */
export interface IngestAccounting {
  /** Data records counted in the worker's own pass over the source (header and blank lines excluded). */
  read: bigint;
  /** Rows written to this version's Parquet parts (from their footers). */
  stored: bigint;
  /** Records left out under "skip", each a reject (only the first ones are stored in full). */
  rejected: bigint;
}

/** The figures do not add up: some record was neither stored nor rejected (or counted twice). */
export class AccountingMismatchError extends Error {
  constructor(readonly figures: IngestAccounting) {
    const lost = figures.read - figures.stored - figures.rejected;
    super(
      `Ingest stopped: ${describeAccounting(figures)} does not add up ` +
        `(${lost > 0n ? `${fmt(lost)} records unaccounted for` : `${fmt(-lost)} more rows than records read`}). ` +
        "The version was not made ready; nothing of it is queried.",
    );
    this.name = "AccountingMismatchError";
  }
}

const fmt = (n: bigint) => Number(n).toLocaleString("en-US");

/** "200,000 read · 199,999 stored · 1 rejected" */
export function describeAccounting(a: IngestAccounting): string {
  return `${fmt(a.read)} read · ${fmt(a.stored)} stored · ${fmt(a.rejected)} rejected`;
}

/** Throws AccountingMismatchError unless read = stored + rejected. */
export function assertAccounting(a: IngestAccounting): void {
  if (a.read < 0n || a.stored < 0n || a.rejected < 0n || a.read !== a.stored + a.rejected) {
    throw new AccountingMismatchError(a);
  }
}

/** Whether the version skipped more than `maxPercent` of what it read (then it waits for confirmation). */
export function exceedsRejectThreshold(a: IngestAccounting, maxPercent: number): boolean {
  if (a.rejected === 0n || a.read === 0n) return false;
  // Integer arithmetic in millionths of a percent: exact for any bigint count.
  return a.rejected * 100_000_000n > BigInt(Math.round(maxPercent * 1_000_000)) * a.read;
}

/** Percent of records rejected, for messages. */
export function rejectPercent(a: IngestAccounting): number {
  return a.read === 0n ? 0 : Number((a.rejected * 1_000_000n) / a.read) / 10_000;
}
