import { DomainError } from "../errors";

/**
 * Counts the records of an events body as it streams past, without parsing
 * them: NDJSON counts non-blank lines (the n-th is record n in rejects), a
 * JSON array counts its top-level elements. The shape is told by the first
 * non-blank byte: `[` is an array, anything else NDJSON.
 */
export class RecordCounter {
  format: "ndjson" | "array" | null = null;
  records = 0;
  decodedBytes = 0;
  /** NDJSON: the current line has a non-blank byte. */
  private lineHasData = false;
  /** Array state: nesting depth, inside a string, after a backslash, element started, array closed. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  private elementOpen = false;
  private closed = false;

  push(chunk: Uint8Array): void {
    this.decodedBytes += chunk.length;
    let i = 0;
    if (this.format === null) {
      while (i < chunk.length && isBlank(chunk[i]!)) i++;
      if (i === chunk.length) return;
      this.format = chunk[i] === 0x5b ? "array" : "ndjson";
    }
    if (this.format === "ndjson") this.countLines(chunk, i);
    else this.countElements(chunk, i);
  }

  /** The count once the body ended; a broken array is a 400 naming what is wrong. */
  finish(): number {
    if (this.format === "ndjson" && this.lineHasData) this.records++;
    this.lineHasData = false;
    if (this.format === "array" && !this.closed) {
      throw new DomainError("BAD_REQUEST", "body: the JSON array is not closed with ]");
    }
    return this.records;
  }

  private countLines(chunk: Uint8Array, from: number): void {
    let start = from;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!this.lineHasData) {
        for (let j = start; j < end; j++) {
          if (!isBlank(chunk[j]!)) {
            this.lineHasData = true;
            break;
          }
        }
      }
      if (nl < 0) return;
      if (this.lineHasData) this.records++;
      this.lineHasData = false;
      start = nl + 1;
    }
  }

  private countElements(chunk: Uint8Array, from: number): void {
    for (let i = from; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.closed) {
        if (!isBlank(c)) throw new DomainError("BAD_REQUEST", "body: data after the closing ] of the JSON array");
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x22) this.inString = true;
      if (c === 0x5b || c === 0x7b) {
        this.depth++;
        if (this.depth === 1) continue; // the outer [
      } else if (c === 0x5d || c === 0x7d) {
        this.depth--;
        if (this.depth === 0) {
          if (this.elementOpen) this.records++;
          this.closed = true;
          continue;
        }
      }
      if (this.depth === 1 && c === 0x2c) {
        if (this.elementOpen) this.records++;
        this.elementOpen = false;
      } else if (!isBlank(c)) this.elementOpen = true;
    }
  }
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
