import { DomainError } from "../errors";
import { quoteIdent } from "../sql-check";
import type { StreamColumn, StreamColumnType } from "./stream-sql";

/**
 * Stream column types an event time can have: epoch numbers (BIGINT, DOUBLE)
 * or ISO-8601 text (VARCHAR), whose text order is time order. Booleans and
 * JSON values have no order worth sorting parts by.
 */
export const EVENT_TIME_TYPES: readonly StreamColumnType[] = ["BIGINT", "DOUBLE", "VARCHAR"];

/** The dataset's columns that can be its event time, in column order. */
export function findEventTimeCandidates(columns: StreamColumn[]): StreamColumn[] {
  return columns.filter((c) => EVENT_TIME_TYPES.includes(c.type));
}

/** `name` as one of `columns` fit to be the event time, or a BAD_REQUEST saying why not. */
export function checkEventTimeColumn(columns: StreamColumn[], name: string, dataset: string): StreamColumn {
  if (!columns.length) {
    throw new DomainError(
      "BAD_REQUEST",
      `eventTimeColumn: dataset "${dataset}" has no columns yet; send events and wait for their compaction first.`,
    );
  }
  const col = columns.find((c) => c.name === name);
  if (!col) {
    const fit = findEventTimeCandidates(columns).map((c) => c.name);
    const hint = fit.length ? `columns that can be: ${fit.join(", ")}` : "none of its columns can be";
    throw new DomainError("BAD_REQUEST", `eventTimeColumn: dataset "${dataset}" has no column "${name}" (${hint}).`);
  }
  if (!EVENT_TIME_TYPES.includes(col.type)) {
    throw new DomainError(
      "BAD_REQUEST",
      `eventTimeColumn: column "${name}" is ${col.type}; an event time is an epoch number (BIGINT, DOUBLE) or ISO-8601 text (VARCHAR).`,
    );
  }
  return col;
}

/**
 * The ORDER BY of a part's rows for an event-time column, or "" when the
 * dataset has none or the rows lack that column. Sorted rows give each row
 * group a narrow min/max, which DuckDB's Parquet reader compares with a
 * range predicate to skip row groups (and whole parts).
 */
export function eventTimeOrderSql(eventTime: string | null, columnNames: string[]): string {
  if (!eventTime || !columnNames.includes(eventTime)) return "";
  return ` ORDER BY ${quoteIdent(eventTime)} NULLS LAST`;
}
