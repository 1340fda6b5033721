import fs from "node:fs";
import { once } from "node:events";

/** Good lines first, so DuckDB's sniffer types "amount" DOUBLE from them. */
export const HALF_BAD_LEAD = 50_000;

/**
 * A CSV of HALF_BAD_LEAD good lines, then `lines` lines whose every other
 * one holds "n/a" in the DOUBLE column: `lines / 2` rejects under "skip".
 */
export async function writeHalfBadCsv(file: string, lines: number): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write("id,name,amount,day\n");
  const total = HALF_BAD_LEAD + lines;
  for (let i = 0; i < total; i += 10_000) {
    let chunk = "";
    for (let j = i; j < Math.min(total, i + 10_000); j++) {
      const amount = j >= HALF_BAD_LEAD && j % 2 ? "n/a" : String((j % 100_000) / 100);
      chunk += `${j},name_${j % 977},${amount},2024-01-${String((j % 28) + 1).padStart(2, "0")}\n`;
    }
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}
