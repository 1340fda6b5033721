/** One CSV record of a text sample: the line it starts on (1-based) and its field count. */
export interface RecordShape {
  line: number;
  fields: number;
}

/**
 * Field counts per record, honouring quotes: a delimiter or newline inside
 * "…" belongs to the value, and "" inside quotes is one quote. The last record
 * is left out when the sample may have cut it (no newline after it).
 */
export function recordShapes(text: string, delim: string, quote = '"', max = 10_000): RecordShape[] {
  const out: RecordShape[] = [];
  let line = 1;
  let start = 1;
  let fields = 1;
  let inQuotes = false;
  let empty = true;
  for (let i = 0; i < text.length && out.length < max; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === quote && text[i + 1] === quote) i++;
      else if (ch === quote) inQuotes = false;
      else if (ch === "\n") line++;
      continue;
    }
    if (ch === quote) {
      inQuotes = true;
      empty = false;
    } else if (ch === delim) {
      fields++;
      empty = false;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      if (!empty) out.push({ line: start, fields });
      line++;
      start = line;
      fields = 1;
      empty = true;
    } else empty = false;
  }
  return out;
}

export const DELIMITERS = [",", ";", "\t", "|"];

/** The delimiter that splits the first record into the most fields (quote-aware), or null for none. */
export function likelyDelimiter(text: string, quote = '"'): { delim: string; fields: number } | null {
  const firstLine = text.slice(0, text.search(/\r?\n/) + 1 || undefined) + "\n";
  const best = DELIMITERS.map((d) => ({ delim: d, fields: recordShapes(firstLine, d, quote, 1)[0]?.fields ?? 1 })).sort(
    (a, b) => b.fields - a.fields,
  )[0]!;
  return best.fields >= 2 ? best : null;
}

/** The first record whose field count differs from the first record's, or null when all agree. */
export function firstRaggedRecord(shapes: RecordShape[]): { first: RecordShape; odd: RecordShape } | null {
  const first = shapes[0];
  const odd = first && shapes.find((s) => s.fields !== first.fields);
  return first && odd ? { first, odd } : null;
}
