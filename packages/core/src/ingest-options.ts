import { z } from "zod";

// The closed list of column types is client-safe and lives in the shared package.
import { COLUMN_TYPES } from "@scrollintel/shared/column-types";
export { COLUMN_TYPES, type ColumnType } from "@scrollintel/shared/column-types";

/** A column name as queries will use it: plain SQL identifier, no quoting needed. */
export const ZColumnName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "letters, digits and _, not starting with a digit");

export const ZColumnOverride = z.object({
  /** The column as detected in the source. */
  name: z.string().min(1).max(255),
  rename: ZColumnName.optional(),
  type: z.enum(COLUMN_TYPES).optional(),
});

export const BAD_ROW_POLICIES = ["fail", "skip"] as const;
export type BadRowPolicy = (typeof BAD_ROW_POLICIES)[number];

/** Percent of records a "skip" ingest may leave out before a person must confirm the version. */
export const DEFAULT_MAX_REJECT_PERCENT = 1;

/** JSON layouts: auto picks by content ("[" array; "{" NDJSON when the first line is a whole value, else documents). */
export const JSON_LAYOUTS = ["auto", "ndjson", "array", "document"] as const;
export type JsonLayout = (typeof JSON_LAYOUTS)[number];

/** auto: CRLF/LF mixed in the first 256 KB are made LF while reading; normalize: always. */
export const LINE_ENDS = ["auto", "normalize"] as const;
export type LineEnds = (typeof LINE_ENDS)[number];

/** Largest line DuckDB reads by default; a longer one needs `maxLineBytes`. */
export const DEFAULT_MAX_LINE_BYTES = 2_000_000;
export const MAX_MAX_LINE_BYTES = 1024 * 1024 * 1024;

/** Encodings offered in the form (any label TextDecoder knows is accepted). "auto": UTF-8, or UTF-16 by its BOM. */
export const COMMON_ENCODINGS = [
  { value: "auto", label: "Detect (UTF-8; UTF-16 by BOM)" },
  { value: "utf-8", label: "UTF-8" },
  { value: "utf-16le", label: "UTF-16 LE" },
  { value: "utf-16be", label: "UTF-16 BE" },
  { value: "windows-1252", label: "Latin-1 / Windows-1252" },
  { value: "iso-8859-15", label: "ISO-8859-15 (Latin-9)" },
  { value: "iso-8859-2", label: "ISO-8859-2 (Central Europe)" },
  { value: "windows-1250", label: "Windows-1250 (Central Europe)" },
  { value: "windows-1251", label: "Windows-1251 (Cyrillic)" },
  { value: "koi8-r", label: "KOI8-R (Cyrillic)" },
  { value: "shift_jis", label: "Shift_JIS (Japanese)" },
  { value: "euc-jp", label: "EUC-JP (Japanese)" },
  { value: "gb18030", label: "GB18030 (Chinese, simplified)" },
  { value: "big5", label: "Big5 (Chinese, traditional)" },
  { value: "euc-kr", label: "EUC-KR (Korean)" },
  { value: "macintosh", label: "Mac OS Roman" },
] as const;

/** The canonical name of an encoding label (e.g. "latin1" -> "windows-1252"), or null if unknown. */
export function canonicalEncoding(label: string): string | null {
  if (label === "auto") return "auto";
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return null;
  }
}

/** One character (or \t for tab) for a CSV dialect option. */
const ZOneChar = (what: string) =>
  z
    .string()
    .min(1)
    .max(2)
    .refine((d) => d === "\\t" || [...d].length === 1, `${what}: one character, or \\t for tab`);

/** A strftime-style format for DuckDB (e.g. %d/%m/%Y); no quotes or control characters. */
const ZDateFormat = z
  .string()
  .min(2)
  .max(64)
  .regex(/^\P{Cc}*%\P{Cc}*$/u, "a format with % codes, such as %d/%m/%Y");

/** How a version reads its source; stored on the version so a retry reads it the same way. */
export const ZIngestOptions = z.object({
  /** fail: the first bad row fails the version. skip: bad rows are left out and listed. */
  badRows: z.enum(BAD_ROW_POLICIES).default("fail"),
  /** CSV only; one character, "\t" for tab. Unset: detected. */
  delimiter: ZOneChar("delimiter").optional(),
  /** CSV only: whether the first line names the columns. Unset: detected. */
  header: z.boolean().optional(),
  columns: z.array(ZColumnOverride).max(4096).default([]),
  /** Under "skip": a version that skips more than this share of its records waits for confirmation. */
  maxRejectPercent: z.number().int().min(0).max(100).default(DEFAULT_MAX_REJECT_PERCENT),

  /** Text encoding; anything but UTF-8 is transcoded to UTF-8 while streaming. */
  encoding: z
    .string()
    .max(40)
    .refine((e) => canonicalEncoding(e) !== null, "an encoding TextDecoder knows, such as utf-16le or windows-1252")
    .default("auto"),
  /** CSV: the longest line allowed, in bytes (DuckDB max_line_size). Unset: 2,000,000. */
  maxLineBytes: z.number().int().min(1024).max(MAX_MAX_LINE_BYTES).optional(),
  jsonLayout: z.enum(JSON_LAYOUTS).default("auto"),
  /** CSV quote and escape characters. Unset: detected. */
  quote: ZOneChar("quote").optional(),
  escape: ZOneChar("escape").optional(),
  /** CSV: texts read as NULL (besides empty fields). */
  nullStrings: z.array(z.string().max(32)).max(16).default([]),
  /** CSV: how dates and timestamps are written, strftime codes. Unset: detected. */
  dateFormat: ZDateFormat.optional(),
  timestampFormat: ZDateFormat.optional(),
  lineEnds: z.enum(LINE_ENDS).default("auto"),
  /** JSON and Parquet: struct fields become top-level columns (a.b -> a_b). */
  flatten: z.boolean().default(false),
});
export type IngestOptions = z.infer<typeof ZIngestOptions>;

/** Options stored on a version; anything unreadable falls back to the defaults. */
export function parseIngestOptions(raw: unknown): IngestOptions {
  const r = ZIngestOptions.safeParse(raw ?? {});
  return r.success ? r.data : ZIngestOptions.parse({});
}

/** Rows of the rejects table kept per version; the count of all skipped rows is kept too. */
export const MAX_STORED_REJECTS = 10_000;
