/**
 * A DuckDB read error as a sentence for the person who uploaded the file:
 * which file, line and column, what was wrong, and a way out only where one
 * works ("skip" helps with rows that do not fit, never with the whole file's
 * layout). Scratch paths are replaced by the file's name.
 */
export function explainDuckError(e: unknown, filename: string, localPaths: string | string[] = []): string {
  let msg = e instanceof Error ? e.message : String(e);
  for (const p of [localPaths].flat()) msg = msg.replaceAll(p, filename);
  const line = /CSV Error on Line: (\d+)/.exec(msg)?.[1];
  if (line) {
    const original = /Original Line: (.*)/.exec(msg)?.[1];
    const convert = /Error when converting column "([^"]*)"\. (.*)/.exec(msg);
    const first = msg.split("\n").find((l) => l && !/CSV Error on Line|Original Line/.test(l)) ?? "";
    const what = convert ? `column "${convert[1]}": ${convert[2]}` : first.replace(/^[A-Za-z ]+Error: /, "");
    const raw = original ? ` (the line reads: ${original.slice(0, 200)})` : "";
    return `${filename}, line ${line}, ${what}${raw}.${csvRemedy(msg, Boolean(convert))}`;
  }
  const first = msg.split("\n")[0]!.trim();
  return `${filename}: ${first.replace(/^(Invalid Input|IO|Conversion|Binder|Parser) Error: /, "")}`;
}

function csvRemedy(msg: string, convert: boolean): string {
  if (convert) return ' Change the column\'s type, or choose the bad-row policy "skip", and re-ingest.';
  if (/Expected Number of Columns/i.test(msg)) {
    return ' Choose the bad-row policy "skip" to leave such rows out (they are listed as rejects), and re-ingest.';
  }
  if (/unterminated quote/i.test(msg)) {
    return " Choose the quote and escape characters under Reading options (or none, if quotes are plain text here) and re-ingest.";
  }
  return "";
}
