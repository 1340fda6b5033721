import path from "node:path";
import type { IngestOptions } from "@scrollintel/core/ingest-options";
import { decompressFile } from "./decompress-file";
import { detectFormat, type Compression, type DetectedFormat } from "./detect-format";
import { transcodeToUtf8 } from "./transcode-source";

/** The UTF-8 copy's name in the work directory (error messages hide its path). */
export const UTF8_COPY = "source.utf8";

export interface PreparedSource {
  detected: DetectedFormat;
  /** What DuckDB reads: the upload itself, or a UTF-8 / decompressed copy in the work directory. */
  file: string;
  compression: Compression;
}

/**
 * Detects what the file is and makes it something DuckDB reads: compressed
 * Parquet decompressed (it needs random access), text that is not UTF-8 or
 * has mixed line ends rewritten as UTF-8 with LF, streaming. DuckDB's own
 * encodings are not used: one decoder (TextDecoder) for CSV and JSON alike
 * means "windows-1252" reads the same in both, and read_json knows only UTF-8.
 */
export async function prepareSource(opts: {
  file: string;
  workDir: string;
  options: IngestOptions;
}): Promise<PreparedSource> {
  const detected = await detectFormat(opts.file, opts.options);
  const { compression, format } = detected;
  if (format === "parquet") {
    if (compression === "none") return { detected, file: opts.file, compression };
    const file = path.join(opts.workDir, "source.parquet");
    await decompressFile(opts.file, file, compression);
    return { detected, file, compression: "none" };
  }
  const normalize = format === "csv" && (opts.options.lineEnds === "normalize" || detected.mixedLineEnds);
  if (detected.encoding === "utf-8" && !normalize) return { detected, file: opts.file, compression };
  const file = path.join(opts.workDir, UTF8_COPY);
  await transcodeToUtf8({
    src: opts.file,
    dest: file,
    compression,
    encoding: detected.encoding,
    normalizeLineEnds: normalize,
  });
  return { detected, file, compression: "none" };
}
