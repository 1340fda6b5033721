import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BENCH_QUERIES, writeTpchCsv } from "../../../../bench/query-data";
import { closeDuck, lit, openDuck, type Duck } from "./open-duck";
import { checkUserSql, lockDownSession, referencedDatasets } from "./sandbox";

// The other side of the allowlist: the SQL analysts write still passes the
// check and runs on a locked session, and so do the benchmark's queries.
let root: string;
let duck: Duck;

async function writeParquet(d: Duck, name: string, select: string): Promise<string> {
  const file = path.join(root, `${name}.parquet`);
  await d.conn.run(`COPY (${select}) TO ${lit(file)} (FORMAT parquet)`);
  return file;
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "si-analytics-"));
  const maker = await openDuck({ memoryLimit: "256MB", threads: 1, tempDir: path.join(root, "spill") });
  const events = await writeParquet(
    maker,
    "events",
    `SELECT i AS id, i % 3 AS user_id, TIMESTAMP '2026-01-01' + to_hours(i * 7) AS ts, i * 1.5 AS amount,
       ['red', 'blue', 'green'][i % 3 + 1] AS colour, [i, i + 1] AS tags,
       '{"kind": "k' || (i % 2) || '", "n": ' || i || '}' AS payload
     FROM range(30) t(i)`,
  );
  const users = await writeParquet(maker, "users", "SELECT i AS id, 'user ' || i AS name FROM range(3) t(i)");
  const lineitemCsv = path.join(root, "lineitem.csv");
  const ordersCsv = path.join(root, "orders.csv");
  await writeTpchCsv(maker.conn, { rows: 400, lineitemPath: lineitemCsv, ordersPath: ordersCsv });
  const lineitem = await writeParquet(maker, "lineitem", `FROM read_csv(${lit(lineitemCsv)})`);
  const orders = await writeParquet(maker, "orders", `FROM read_csv(${lit(ordersCsv)})`);
  closeDuck(maker);
  duck = await openDuck({ memoryLimit: "256MB", threads: 1, tempDir: path.join(root, "spill") });
  const datasets = Object.entries({ events, users, lineitem, orders }).map(([name, file]) => ({ name, paths: [file] }));
  await lockDownSession(duck.conn, { datasets, resultDir: path.join(root, "results") });
});

afterAll(() => {
  closeDuck(duck);
  fs.rmSync(root, { recursive: true, force: true });
});

async function run(sql: string): Promise<Record<string, unknown>[]> {
  return (await duck.conn.runAndReadAll(await checkUserSql(duck.conn, sql))).getRowObjectsJson();
}

describe("analytic SQL on the allowlist", () => {
  const queries: Array<[string, string, number]> = [
    [
      "a join with aggregates",
      "SELECT u.name, count(*) AS n, sum(e.amount) FROM events e JOIN users u ON u.id = e.user_id GROUP BY ALL",
      3,
    ],
    [
      "window functions",
      "SELECT id, rank() OVER w, lag(amount) OVER w, sum(amount) OVER (w ROWS 2 PRECEDING) FROM events WINDOW w AS (PARTITION BY user_id ORDER BY ts)",
      30,
    ],
    [
      "QUALIFY and FILTER",
      "SELECT user_id, count(*) FILTER (WHERE amount > 10) AS big FROM events GROUP BY user_id QUALIFY row_number() OVER (ORDER BY user_id) <= 2",
      2,
    ],
    [
      "CTEs, recursive too",
      "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5), big AS (FROM events WHERE amount > 30) SELECT n, (SELECT count(*) FROM big) FROM r",
      5,
    ],
    [
      "regexp",
      "SELECT regexp_extract(payload, '\"kind\": \"(k\\d)\"', 1) AS k, regexp_replace(colour, 'e', 'E', 'g'), colour SIMILAR TO 'r.*' FROM events WHERE regexp_matches(colour, '^(red|blue)$')",
      20,
    ],
    [
      "dates",
      "SELECT date_trunc('day', ts) AS d, strftime(ts, '%Y-%m-%d %H'), ts::DATE + INTERVAL 1 MONTH, extract(hour FROM ts), date_diff('hour', min(ts), max(ts)) FROM events GROUP BY ALL",
      30,
    ],
    [
      "method-call syntax",
      "SELECT name.upper().lower(), events.tags.list_sum(), tags.list_aggregate('max'), main.abs(-1) FROM users, events",
      90,
    ],
    [
      "date and time keywords",
      "SELECT current_date, current_timestamp, now(), today(), current_user, current_schema, user FROM users",
      3,
    ],
    [
      "list functions and lambdas",
      "SELECT list_transform(tags, x -> x * 2), list_filter(tags, x -> x % 2 = 0), [x + 1 FOR x IN tags IF x > 2], list_sum(tags), array_to_string(tags, ','), list_aggregate(tags, 'max') FROM events",
      30,
    ],
    [
      "json functions",
      "SELECT payload->>'$.kind' AS kind, json_extract(payload, '$.n')::INT, json_keys(payload), to_json({'a': id}) FROM events",
      30,
    ],
    ["json table functions", "SELECT j.key, j.value FROM events e, json_each(e.payload) j WHERE e.id < 2", 4],
    [
      "structs and maps",
      "SELECT {'a': id, 'b': colour}.b, map([colour], [id])[colour], struct_pack(x := 1), e.* EXCLUDE (payload) FROM events e",
      30,
    ],
    ["PIVOT", "PIVOT events ON colour IN ('red', 'blue') USING sum(amount) GROUP BY user_id", 3],
    ["UNPIVOT", "UNPIVOT (SELECT id, amount, user_id::DOUBLE AS u FROM events) ON amount, u INTO NAME k VALUE v", 60],
    [
      "PIVOT in a subquery",
      "SELECT * FROM (PIVOT (SELECT colour FROM events) ON colour IN ('green') USING count(*))",
      1,
    ],
    ["UNNEST", "SELECT id, unnest(tags) AS t FROM events", 60],
    ["range() and generate_series()", "SELECT r.range, g.generate_series FROM range(3) r, generate_series(1, 2) g", 6],
    [
      "COLUMNS, set operations, VALUES",
      "SELECT max(COLUMNS('^(amount|id)$')) FROM events UNION ALL SELECT * FROM (VALUES (1, 2.0))",
      2,
    ],
    [
      "FROM-first and GROUP BY CUBE",
      "FROM events SELECT colour, user_id, grouping(colour), count(*) GROUP BY CUBE (colour, user_id)",
      10, // colour follows user_id: 3 pairs, 3 + 3 subtotals, 1 total
    ],
    [
      "statistics",
      "SELECT quantile_cont(amount, 0.9), median(amount), stddev(amount), corr(amount, id), approx_count_distinct(colour), histogram(colour), mode(colour), arg_max(id, amount) FROM events",
      1,
    ],
    [
      "strings and casts",
      "SELECT upper(name), lpad(name, 10, '*'), split_part(name, ' ', 2)::INT, TRY_CAST(name AS INT), format('{}-{}', name, id), md5(name), name ILIKE 'USER%' FROM users",
      3,
    ],
    ["ASOF join", "SELECT e.id, u.id FROM events e ASOF JOIN users u ON e.user_id >= u.id", 30],
    [
      "harmless settings",
      "SELECT current_setting('TimeZone') IS NOT NULL AS tz, current_setting('threads') AS threads",
      1,
    ],
  ];

  it.each(queries)("runs %s", async (_what, sql, rows) => {
    expect(await run(sql)).toHaveLength(rows);
  });

  it("still counts the datasets a query reads, through CTEs, subqueries and joins", async () => {
    const sql = "WITH a AS (FROM events) SELECT * FROM a, (SELECT * FROM users) u WHERE a.user_id = u.id";
    const read = await referencedDatasets(duck.conn, sql, ["events", "users", "orders"]);
    expect([...read].sort()).toEqual(["events", "users"]);
  });

  it.each(BENCH_QUERIES.map((q) => [q.name, q.sql]))("passes the benchmark query %s", async (_name, sql) => {
    expect((await run(sql)).length).toBeGreaterThan(0);
  });
});
