const LF = 0x0a;
const CR = 0x0d;

export interface CsvCountDialect {
  /** One byte, or "" for no quoting. */
  quote: string;
  /** One byte; "" or the quote itself: doubled quotes ("") escape. */
  escape: string;
  /** "\n", "\r\n" or "\r" as DuckDB's sniffer names it. */
  newLine: string;
  /** Lines starting with this byte are comments (not records); "" for none. */
  comment: string;
  /** A one-column file reads a blank line as a NULL value: a record. */
  blankIsRecord?: boolean;
}

const byte = (s: string) => (s.length === 1 ? s.charCodeAt(0) : -1);

/**
 * Counts CSV records the way DuckDB's reader delimits them, fed chunk by
 * chunk: a line end inside quotes belongs to the value, blank lines and
 * comment lines are not records. Uses native indexOf between the bytes that
 * matter, so plain text is scanned at memchr speed.
 */
export class CsvRecordCounter {
  records = 0;
  private inQuote = false;
  private escaped = false;
  /** The current record has a byte other than CR so far. */
  private content = false;
  private first = -1;
  private readonly quote: number;
  private readonly escape: number;
  private readonly nl: number;
  private readonly comment: number;
  private readonly blankIsRecord: boolean;

  constructor(d: CsvCountDialect) {
    this.quote = byte(d.quote);
    const esc = byte(d.escape);
    this.escape = esc === this.quote ? -1 : esc;
    this.nl = d.newLine.replaceAll("\\", "") === "r" || d.newLine === "\r" ? CR : LF;
    this.comment = byte(d.comment);
    this.blankIsRecord = d.blankIsRecord ?? false;
  }

  push(buf: Buffer): void {
    let pos = 0;
    let q = this.quote < 0 ? -1 : buf.indexOf(this.quote, 0);
    while (pos < buf.length) {
      if (this.inQuote) {
        pos = this.scanQuoted(buf, pos);
        if (q >= 0 && q < pos) q = buf.indexOf(this.quote, pos);
        continue;
      }
      let n = buf.indexOf(this.nl, pos);
      if (n < 0) n = buf.length;
      if (q >= 0 && q < n) {
        this.take(buf, q);
        this.content = true;
        this.inQuote = true;
        pos = q + 1;
        q = buf.indexOf(this.quote, pos);
        continue;
      }
      if (n > pos) this.take(buf, pos, n);
      if (n === buf.length) return;
      this.endRecord();
      pos = n + 1;
    }
  }

  /** Past the closing quote (or to the end of the chunk). */
  private scanQuoted(buf: Buffer, pos: number): number {
    if (this.escape < 0) {
      const q = buf.indexOf(this.quote, pos);
      if (q < 0) return buf.length;
      this.inQuote = false;
      return q + 1;
    }
    for (let i = pos; i < buf.length; i++) {
      const b = buf[i];
      if (this.escaped) this.escaped = false;
      else if (b === this.escape) this.escaped = true;
      else if (b === this.quote) {
        this.inQuote = false;
        return i + 1;
      }
    }
    return buf.length;
  }

  /** Notes bytes [from, to) of the current (unquoted part of the) record. */
  private take(buf: Buffer, from: number, to = from + 1): void {
    if (this.first < 0) this.first = buf[from]!;
    if (!this.content && (to - from > 1 || buf[from] !== CR)) this.content = true;
  }

  private endRecord(): void {
    const comment = this.comment >= 0 && this.first === this.comment;
    if ((this.content || this.blankIsRecord) && !comment) this.records++;
    this.content = false;
    this.first = -1;
  }

  /** Call once at the end of the input: a last record without a line end still counts. */
  end(): number {
    // A blank tail after the last line end is no record, even where blank lines are.
    if (this.content || this.first >= 0) this.endRecord();
    return this.records;
  }
}
