const LOW7 = 0x7f7f7f7f;

/**
 * How many bytes of `buf` equal `b`, four at a time (a SWAR zero-byte test
 * on 32-bit words): the cheap pass that counts a CSV's lines next to
 * DuckDB's read without taking a core from it.
 */
export function countByte(buf: Buffer, b: number): number {
  let n = 0;
  let i = 0;
  const head = Math.min(buf.length, (4 - (buf.byteOffset & 3)) & 3);
  for (; i < head; i++) if (buf[i] === b) n++;
  const words = (buf.length - i) >>> 2;
  const u = words ? new Uint32Array(buf.buffer, buf.byteOffset + i, words) : new Uint32Array(0);
  const pattern = Math.imul(b, 0x01010101);
  for (let w = 0; w < words; w++) {
    const y = u[w]! ^ pattern;
    // High bit of each byte set exactly where y's byte is zero, i.e. where the byte was b.
    const t = ~(((y & LOW7) + LOW7) | y | LOW7);
    if (t !== 0) n += Math.imul((t >>> 7) & 0x01010101, 0x01010101) >>> 24;
  }
  for (i += words * 4; i < buf.length; i++) if (buf[i] === b) n++;
  return n;
}

/** Lines of a text fed chunk by chunk: line ends, plus a last line that has none. */
export class LineCounter {
  private ends = 0;
  private last = -1;
  constructor(private readonly lineEnd: number) {}

  push(buf: Buffer): void {
    if (!buf.length) return;
    this.ends += countByte(buf, this.lineEnd);
    this.last = buf[buf.length - 1]!;
  }

  get lines(): number {
    return this.ends + (this.last >= 0 && this.last !== this.lineEnd ? 1 : 0);
  }
}
