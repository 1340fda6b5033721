/**
 * A DuckDB read error as a sentence for the person who uploaded the file:
 * which file, line and column, what was wrong, and the way out. Scratch
 * paths are replaced by the file's name.
 */
export function explainDuckError(e: unknown, filename: string, localPath?: string): string {
  let msg = e instanceof Error ? e.message : String(e);
  if (localPath) msg = msg.replaceAll(localPath, filename);
  const line = /CSV Error on Line: (\d+)/.exec(msg)?.[1];
  if (line) {
    const original = /Original Line: (.*)/.exec(msg)?.[1];
    const convert = /Error when converting column "([^"]*)"\. (.*)/.exec(msg);
    const first = msg.split("\n").find((l) => l && !/CSV Error on Line|Original Line/.test(l)) ?? "";
    const what = convert ? `column "${convert[1]}": ${convert[2]}` : first.replace(/^[A-Za-z ]+Error: /, "");
    const raw = original ? ` (the line reads: ${original.slice(0, 200)})` : "";
    const fix = convert
      ? ' Change the column\'s type, or choose the bad-row policy "skip", and re-ingest.'
      : ' Choose the bad-row policy "skip" to leave such rows out, and re-ingest.';
    return `${filename}, line ${line}, ${what}${raw}.${fix}`;
  }
  const first = msg.split("\n")[0]!.trim();
  return `${filename}: ${first.replace(/^(Invalid Input|IO|Conversion|Binder|Parser) Error: /, "")}`;
}
