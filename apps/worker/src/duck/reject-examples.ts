import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { IngestReject } from "@scrollintel/core/services/ingest-service";
import { headerLines } from "./account-source";
import { collectRejects } from "./collect-rejects";
import { forEachDecodedChunk } from "./decoded-stream";
import type { Compression } from "./detect-format";
import type { Inspection } from "./inspect-source";

type Dialect = NonNullable<Inspection["dialect"]>;

/**
 * Lines of a window DuckDB reads with store_rejects. DuckDB keeps state
 * per error outside its memory limit (about 1.2 KB each), so a window's
 * errors, at most its lines, bound what the pass holds.
 */
export const WINDOW_LINES = 50_000;

/** Lines from the file's start put before every later window: the sniffer sees the same start as the whole read. */
const SNIFF_LINES = 20_480;

export interface ExampleSearch {
  conn: DuckDBConnection;
  file: string;
  compression: Compression;
  dialect: Dialect;
  workDir: string;
  /** Records the conversion left out (read − stored): the pass stops once it has found them all. */
  rejected: bigint;
  /** Errors to list at most. */
  keep: number;
  /** read_csv over a window file, as the conversion read, storing rejects in `table` (at most `limit`). */
  readFor: (file: string, table: string, scan: string, limit: number) => string;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * The first bad lines of a CSV the conversion read with ignore_errors, in
 * line order, as DuckDB's store_rejects says them (line, column, reason,
 * raw text). Runs only when records were left out; reads the source in
 * windows of lines (cut outside quotes, numbered as DuckDB numbers lines)
 * and stops as soon as it has enough, so memory stays bounded however many
 * lines are bad. The counts never come from here.
 */
export async function findRejectExamples(s: ExampleSearch): Promise<IngestReject[]> {
  const search = new WindowSearch(s);
  const stop = new AbortController();
  try {
    await forEachDecodedChunk(s.file, s.compression, (b) => search.push(b, stop), stop.signal).catch((e: unknown) => {
      if (!stop.signal.aborted) throw e;
    });
    if (!stop.signal.aborted) await search.flush();
    return search.found;
  } finally {
    search.cleanUp();
  }
}

class WindowSearch {
  found: IngestReject[] = [];
  private readonly head: number;
  private readonly nl: number;
  private readonly quote: number;
  private readonly headFile: string;
  private readonly windowFile: string;
  private fd: number;
  /** DuckDB lines so far (line ends outside quotes). */
  private line = 0;
  /** The file line the current window's first data line follows. */
  private start = 0;
  private windowLines = 0;
  private inQuote = false;
  private windows = 0;
  private lastLine = -1n;
  private lines = 0n;

  constructor(private readonly s: ExampleSearch) {
    this.head = headerLines(s.dialect) + SNIFF_LINES;
    this.nl = s.dialect.newLine.replaceAll("\\", "") === "r" ? CR : LF;
    this.quote = s.dialect.quote.length === 1 ? s.dialect.quote.charCodeAt(0) : -1;
    this.headFile = path.join(s.workDir, "rejects.head.csv");
    this.windowFile = path.join(s.workDir, "rejects.window.csv");
    this.fd = fs.openSync(this.windowFile, "w");
  }

  async push(buf: Buffer, stop: AbortController): Promise<void> {
    let from = 0;
    let quotes = 0;
    for (let nl = buf.indexOf(this.nl); nl >= 0; nl = buf.indexOf(this.nl, nl + 1)) {
      quotes = this.toggleQuotes(buf, quotes, nl);
      if (this.inQuote) continue;
      this.line++;
      if (this.windows === 0 && this.line === this.head) {
        fs.writeSync(this.fd, buf.subarray(from, nl + 1));
        from = nl + 1;
        fs.copyFileSync(this.windowFile, this.headFile);
      }
      if (this.line > this.head || this.windows > 0) this.windowLines++;
      if (this.windowLines >= this.windowSize()) {
        fs.writeSync(this.fd, buf.subarray(from, nl + 1));
        from = nl + 1;
        if (await this.flush()) {
          stop.abort();
          return;
        }
      }
    }
    this.toggleQuotes(buf, quotes, buf.length);
    fs.writeSync(this.fd, buf.subarray(from));
  }

  /**
   * Flips the quote state for each quote byte in [from, to) and returns
   * `to`. An escaping doubled quote flips it twice; a backslash-escaped
   * quote is not told apart (a window may then be cut inside a value, which
   * only affects which examples are listed, never a count).
   */
  private toggleQuotes(buf: Buffer, from: number, to: number): number {
    if (this.quote < 0) return to;
    for (let q = buf.indexOf(this.quote, from); q >= 0 && q < to; q = buf.indexOf(this.quote, q + 1)) {
      this.inQuote = !this.inQuote;
    }
    return to;
  }

  /**
   * Few bad lines left to find: no window can hold more errors than that,
   * so windows double (a few bad lines far apart cost few reads of the
   * head); otherwise a window's lines bound its errors.
   */
  private windowSize(): number {
    if (this.s.rejected - this.lines > BigInt(WINDOW_LINES)) return WINDOW_LINES;
    return WINDOW_LINES * 2 ** Math.min(this.windows, 20);
  }

  /** Reads the window; true once enough examples (or every rejected line) are found. */
  async flush(): Promise<boolean> {
    fs.closeSync(this.fd);
    const first = this.windows === 0;
    const n = this.windows++;
    const table = `reject_examples_${n}`;
    const scan = `reject_example_scans_${n}`;
    const { conn, keep } = this.s;
    // No limit on what DuckDB stores: a window's errors are few enough, and the head's must not crowd out its own.
    // Every column is used (a bare count(*) would parse none and find no bad value).
    await conn.run(`SELECT count(hash(w)) FROM ${this.s.readFor(this.windowFile, table, scan, 0)} w`);
    const rows = await collectRejects(conn, table, first ? 0 : this.head, keep - this.found.length);
    await conn.run(`DROP TABLE IF EXISTS ${table}; DROP TABLE IF EXISTS ${scan}`);
    for (const r of rows) {
      const line = first || r.line === null ? r.line : r.line - BigInt(this.head) + BigInt(this.start);
      if (line !== this.lastLine) this.lines++;
      this.lastLine = line ?? -1n;
      this.found.push({ ...r, line });
    }
    this.start = this.line;
    this.windowLines = 0;
    // Later windows start with the file's head so the sniffer reads them as it read the whole file.
    if (fs.existsSync(this.headFile)) fs.copyFileSync(this.headFile, this.windowFile);
    this.fd = fs.openSync(this.windowFile, "a");
    return this.found.length >= keep || this.lines >= this.s.rejected;
  }

  cleanUp(): void {
    fs.closeSync(this.fd);
    fs.rmSync(this.windowFile, { force: true });
    fs.rmSync(this.headFile, { force: true });
  }
}
