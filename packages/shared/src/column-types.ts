/**
 * Column types a person may choose for a column at ingest. The worker puts
 * the type into DuckDB SQL, so it is never free text.
 */
export const COLUMN_TYPES = [
  "VARCHAR",
  "BIGINT",
  "INTEGER",
  "DOUBLE",
  "DECIMAL(18,4)",
  "BOOLEAN",
  "DATE",
  "TIMESTAMP",
  "TIME",
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];
