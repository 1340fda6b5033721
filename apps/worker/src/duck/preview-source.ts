import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { IngestOptions } from "@scrollintel/core/ingest-options";
import type { IntakePreview } from "@scrollintel/core/intake-options";
import { cutRows } from "./cut-cells";
import { decodeHead } from "./decode-head";
import { compressionOf, formatOf, type Compression, type SourceFormat } from "./detect-format";
import { inspectSource } from "./inspect-source";
import { prepareSource } from "./prepare-source";
import { buildProjection, csvTypes, type Col, type ReadSpec } from "./source-sql";

/** Decoded bytes of a text file's start the preview reads: enough for thousands of ordinary lines. */
export const PREVIEW_HEAD_BYTES = 4 * 1024 * 1024;
/** The preview row data kept on the version (JSON in PostgreSQL). */
const PREVIEW_MAX_JSON = 1024 * 1024;

export interface PreviewInput {
  conn: DuckDBConnection;
  /** The stored file's first bytes, and whether they are all of it. */
  head: Buffer;
  headIsWhole: boolean;
  /** The whole file on local disk: only Parquet and JSON arrays need it (a cut one is unreadable). */
  wholeFile: () => Promise<string>;
  workDir: string;
  options: IngestOptions;
  /** An append's base columns: the preview reads into them, as the ingest will. */
  target?: Col[];
  rows: number;
}

type Source = { file: string; format: SourceFormat; compression: Compression; text: string; whole: boolean };

const WHOLE_FILE_FORMATS: readonly SourceFormat[] = ["parquet", "json", "json-document"];

/**
 * The file to preview, prepared as the ingest prepares it (format by the
 * options' JSON layout, encoding transcoded, line ends made LF): a cut of
 * its first whole lines for delimited text and NDJSON, else the whole file.
 */
async function previewFile(p: PreviewInput): Promise<Source & { detectedCompression: Compression }> {
  const detectedCompression = compressionOf(p.head);
  const decoded = await decodeHead(p.head, detectedCompression, { max: PREVIEW_HEAD_BYTES, rawIsWhole: p.headIsWhole });
  if (decoded.bytes.length === 0) throw new Error("The file is empty.");
  const rough = formatOf(decoded.bytes, p.options.jsonLayout);
  if (!WHOLE_FILE_FORMATS.includes(rough)) {
    const raw = path.join(p.workDir, "head.raw");
    fs.writeFileSync(raw, decoded.bytes);
    const prepared = await prepareSource({ file: raw, workDir: p.workDir, options: p.options });
    const format = prepared.detected.format;
    if (decoded.whole || !WHOLE_FILE_FORMATS.includes(format)) {
      // A cut file's last line is cut too: leave it out, so no row is read wrong.
      const bytes = fs.readFileSync(prepared.file);
      const end = decoded.whole ? bytes.length : bytes.lastIndexOf(0x0a) + 1 || bytes.length;
      const file = path.join(p.workDir, `head.${format}`);
      fs.writeFileSync(file, bytes.subarray(0, end));
      const text = bytes.subarray(0, end).toString("utf8");
      return { file, format, compression: "none", text, whole: decoded.whole, detectedCompression };
    }
  }
  const prepared = await prepareSource({ file: await p.wholeFile(), workDir: p.workDir, options: p.options });
  const { file, compression, detected } = prepared;
  return { file, format: detected.format, compression, text: "", whole: true, detectedCompression };
}

/**
 * The first rows of a source as the ingest will read them with `options`
 * (delimiter, header, renames, types, bad-row policy; an append's target
 * columns), and the schema detected: read from the file's start only, so it
 * costs the same for 1 MB and 1 TB. Throws DuckDB's error when the options
 * cannot read it; the caller explains it.
 */
export async function previewSource(p: PreviewInput): Promise<Omit<IntakePreview, "error" | "options">> {
  const src = await previewFile(p);
  const skipCsv = src.format === "csv" && p.options.badRows === "skip";
  const spec: ReadSpec = {
    file: src.file,
    format: src.format,
    compression: src.compression,
    options: p.options,
    rejects: skipCsv ? { table: "preview_rejects", scan: "preview_reject_scans", limit: 1000 } : undefined,
  };
  const inspection = await inspectSource(p.conn, spec, src.text);
  if (src.format === "csv") spec.types = csvTypes(p.options, inspection.columns, p.target);
  const projection = buildProjection(spec, inspection.columns, p.target);
  const read = await p.conn.runAndReadAll(`SELECT * FROM (${projection.sql}) LIMIT ${p.rows}`);
  return {
    format: src.format,
    compression: src.detectedCompression,
    dialect: inspection.dialect ? { ...inspection.dialect } : null,
    sourceColumns: inspection.columns,
    columns: projection.columns,
    rows: cutRows(read.getRowObjectsJson() as Record<string, unknown>[], PREVIEW_MAX_JSON),
    headBytes: src.whole ? fs.statSync(src.file).size : Buffer.byteLength(src.text),
    wholeFile: src.whole,
  };
}
