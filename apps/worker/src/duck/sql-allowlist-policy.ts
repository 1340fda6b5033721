/**
 * The reviewed part of the query sandbox's allowlist (DuckDB 1.5.6). User SQL
 * may call a scalar, aggregate, window or macro function only if its name is
 * in sql-allowlist-functions.ts, which is generated from DuckDB's own catalog
 * minus DENIED_FUNCTIONS below; table functions and settings are listed here
 * by hand. Anything DuckDB adds later is refused until someone reviews it.
 */

/** Scalar, aggregate and macro functions that touch the system rather than compute, by why. */
export const DENIED_FUNCTIONS: Record<string, readonly string[]> = {
  // Settings and variables: paths, tenant ids, HOME, anything set by someone else.
  // (current_setting is allowed for READABLE_SETTINGS only, see sql-allowlist.ts.)
  settings: ["current_setting", "getvariable"],
  // The catalog, the session and the instance: names, paths, view SQL (with file
  // paths), counters shared with other members' queries, start times. (The SQL
  // value functions below stay allowed: they answer constants like 'duckdb'.)
  catalog: [
    "col_description",
    "current_connection_id",
    "current_query",
    "current_query_id",
    "current_schemas",
    "current_transaction_id",
    "format_type",
    "get_block_size",
    "has_any_column_privilege",
    "has_column_privilege",
    "has_database_privilege",
    "has_foreign_data_wrapper_privilege",
    "has_function_privilege",
    "has_language_privilege",
    "has_schema_privilege",
    "has_sequence_privilege",
    "has_server_privilege",
    "has_table_privilege",
    "has_tablespace_privilege",
    "in_search_path",
    "inet_client_addr",
    "inet_client_port",
    "inet_server_addr",
    "inet_server_port",
    "obj_description",
    "pg_collation_is_visible",
    "pg_conf_load_time",
    "pg_conversion_is_visible",
    "pg_function_is_visible",
    "pg_get_constraintdef",
    "pg_get_expr",
    "pg_get_viewdef",
    "pg_has_role",
    "pg_is_other_temp_schema",
    "pg_my_temp_schema",
    "pg_opclass_is_visible",
    "pg_operator_is_visible",
    "pg_opfamily_is_visible",
    "pg_postmaster_start_time",
    "pg_table_is_visible",
    "pg_ts_config_is_visible",
    "pg_ts_dict_is_visible",
    "pg_ts_parser_is_visible",
    "pg_ts_template_is_visible",
    "pg_type_is_visible",
    "shobj_description",
    "txid_current",
    "version",
  ],
  // Engine internals: column statistics (which can see past a view's row filter),
  // vector layouts, raw compressed or encoded values, aggregate-state plumbing.
  internals: [
    "combine",
    "finalize",
    "stats",
    "sum_no_overflow",
    "variant_bytes_to_variant",
    "variant_to_parquet_variant",
    "vector_type",
  ],
  sequences: ["currval", "nextval"],
  logging: ["parse_duckdb_log_message", "write_log"],
  // SQL about SQL: a plan shows the views' file paths; none of it is analysis.
  sql: ["json_deserialize_sql", "json_serialize_plan", "json_serialize_sql"],
  // Waiting holds a worker slot for nothing; setseed changes the session.
  session: ["pg_sleep", "setseed", "sleep_ms"],
};

/**
 * Bare words DuckDB's binder turns into a call when no column has the name
 * (ExpressionBinder::GetSQLValueFunction): `SELECT user` is `SELECT user()`.
 * The walker judges such a column reference as a call to the function here.
 */
export const SQL_VALUE_FUNCTIONS: Readonly<Record<string, string>> = {
  current_catalog: "current_catalog",
  current_date: "current_date",
  current_role: "current_role",
  current_schema: "current_schema",
  current_time: "get_current_time",
  current_timestamp: "get_current_timestamp",
  current_user: "current_user",
  localtime: "current_localtime",
  localtimestamp: "current_localtimestamp",
  session_user: "session_user",
  user: "user",
};

/** Name patterns denied as a class: DuckDB's own storage-compression helpers. */
export const DENIED_FUNCTION_PATTERNS: readonly RegExp[] = [/^__internal_/];

/**
 * Names the parser itself writes into the tree that are not catalog entries
 * (UNNEST in a select list is planned as an operator, not a function).
 */
export const PARSER_FUNCTIONS: readonly string[] = ["unlist", "unnest"];

/**
 * The only table functions user SQL may call: each computes rows from its
 * arguments alone. Everything else (read_*, glob, parquet_*, query, query_table,
 * duckdb_*, pragma_*, enable_/disable_logging, checkpoint, which_secret, summary,
 * test_*, histogram(table, …), …) reads files, the catalog or settings, changes
 * the instance, or runs SQL built at run time. Datasets are views, read by name.
 */
export const ALLOWED_TABLE_FUNCTIONS: readonly string[] = [
  "generate_series",
  "icu_calendar_names",
  "json_each",
  "json_tree",
  "pg_timezone_names",
  "range",
  "repeat",
  "repeat_row",
  "unnest",
];

/** Settings current_setting may read: none of them names a path, a tenant or a person. */
export const READABLE_SETTINGS: readonly string[] = [
  "calendar",
  "enable_external_access",
  "lock_configuration",
  "memory_limit",
  "threads",
  "timezone",
];

/** Functions that run an aggregate named by a string argument (the second). */
export const AGGREGATE_BY_NAME: readonly string[] = [
  "aggregate",
  "array_aggr",
  "array_aggregate",
  "list_aggr",
  "list_aggregate",
];

/**
 * Set on every sandbox before it is locked, whatever the instance was opened
 * with: no extension is installed or loaded on demand, no secret persists, and
 * nothing is logged (the log is instance-wide, so it would hold other members' SQL).
 */
export const SANDBOX_SETTINGS: readonly string[] = [
  "SET autoinstall_known_extensions = false",
  "SET autoload_known_extensions = false",
  "SET allow_community_extensions = false",
  "SET allow_unsigned_extensions = false",
  "SET allow_persistent_secrets = false",
  "SET allowed_configs = []",
  "SET enable_logging = false",
];
