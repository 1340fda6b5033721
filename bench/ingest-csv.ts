import fs from "node:fs";
import { once } from "node:events";

const NAMES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"];
const ROWS_PER_CHUNK = 20_000;

/**
 * Writes a CSV of at least `bytes` bytes, mixed int, float, string,
 * timestamp and bool columns, deterministic, about 75 bytes a row.
 * Returns the row count.
 */
export async function writeBenchCsv(file: string, bytes: number): Promise<number> {
  const out = fs.createWriteStream(file, { highWaterMark: 8 * 1024 * 1024 });
  out.write("id,amount,customer,city_code,created_at,active,qty\n");
  let written = 0;
  let rows = 0;
  let x = 12345;
  while (written < bytes) {
    let chunk = "";
    for (let i = 0; i < ROWS_PER_CHUNK; i++, rows++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const d = new Date(1_700_000_000_000 + (x % 31_536_000) * 1000).toISOString();
      chunk +=
        `${rows},${(x % 1_000_000) / 100},${NAMES[x % 10]}_${x % 50_000},C${x % 997},` +
        `${d.slice(0, 10)} ${d.slice(11, 19)},${(x & 1) === 1},${x % 1000}\n`;
    }
    written += chunk.length;
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return rows;
}
