import { createHash } from "node:crypto";

/** A dataset a query can see, as far as the result cache is concerned. */
export interface VisibleDataset {
  datasetId: string;
  name: string;
  version: number;
  /** A streaming dataset's newest batch: new events change the fingerprint like a new version. */
  streamMark?: string;
}

/**
 * The SQL as the cache compares it: comments dropped, runs of whitespace
 * outside quotes made one space, trailing semicolons removed. Case is kept,
 * because output column names keep the case they were written in.
 */
export function normalizeSql(sql: string): string {
  let out = "";
  let i = 0;
  let pendingSpace = false;
  const emit = (s: string) => {
    if (pendingSpace && out) out += " ";
    pendingSpace = false;
    out += s;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      emit(sql.slice(i, j + 1));
      i = j + 1;
    } else if (c === "-" && sql[i + 1] === "-") {
      while (i < sql.length && sql[i] !== "\n") i++;
      pendingSpace = true;
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
      pendingSpace = true;
    } else if (/\s/.test(c)) {
      pendingSpace = true;
      i++;
    } else {
      emit(c);
      i++;
    }
  }
  return out.replace(/[\s;]+$/, "");
}

/** One digest of the dataset versions a query can see; a new version of any of them changes it. */
export function datasetsFingerprint(datasets: VisibleDataset[]): string {
  const lines = datasets
    .map((d) => `${d.datasetId}\t${d.name}\t${d.version}${d.streamMark ? `\t${d.streamMark}` : ""}`)
    .sort();
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

/**
 * The result cache key: normalized SQL + the versions of every dataset the
 * query can see + the data policy that decided which datasets those are.
 */
export function queryCacheKey(input: { sql: string; fingerprint: string; policy: string }): string {
  return createHash("sha256")
    .update(normalizeSql(input.sql))
    .update("\0")
    .update(input.fingerprint)
    .update("\0")
    .update(input.policy)
    .digest("hex");
}

/**
 * The fingerprint of what one reader's query sees: the dataset versions and,
 * when any policy narrows them, the reader's access digest (core/access), so a
 * policy change between queueing and running makes the result uncacheable.
 */
export function readerFingerprint(datasets: VisibleDataset[], accessDigest: string): string {
  const versions = datasetsFingerprint(datasets);
  if (accessDigest === "open") return versions;
  return createHash("sha256").update(versions).update("\0").update(accessDigest).digest("hex");
}
