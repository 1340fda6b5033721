import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDuck, lit, openDuck } from "./open-duck";
import { checkUserSql } from "./sandbox";
import { TenantSessions, type SessionSpec } from "./tenant-sessions";

let root: string;
let fileA: string;
let fileB: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "si-sessions-"));
  fileA = path.join(root, "a.parquet");
  fileB = path.join(root, "b.parquet");
  const d = await openDuck({ memoryLimit: "256MB", threads: 1, tempDir: path.join(root, "spill") });
  await d.conn.run(`COPY (SELECT range AS id FROM range(5)) TO ${lit(fileA)} (FORMAT parquet)`);
  await d.conn.run(`COPY (SELECT 'secret-of-b' AS s) TO ${lit(fileB)} (FORMAT parquet)`);
  closeDuck(d);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const spec = (over: Partial<SessionSpec> = {}): SessionSpec => ({
  tenantId: "tenanta1",
  fingerprint: "v1",
  policy: "p",
  memoryLimitMb: 128,
  spillBytesLimit: 1n << 30n,
  datasets: [{ name: "sales", paths: [fileA] }],
  ...over,
});

function pool(idleMs: number) {
  return new TenantSessions({ workDir: path.join(root, "work"), threads: 1, idleMs, maxInstances: 4 });
}

async function rows(conn: Awaited<ReturnType<TenantSessions["acquire"]>>["conn"], sql: string) {
  return (await conn.runAndReadAll(await checkUserSql(conn, sql))).getRowObjectsJson();
}

describe("tenant sessions", () => {
  it("serves a tenant's queries from one sealed instance, each on its own connection", async () => {
    const p = pool(60_000);
    const [a, b] = [await p.acquire(spec()), await p.acquire(spec())];
    expect(p.opened).toBe(1);
    expect(a.conn).not.toBe(b.conn);
    expect(await rows(a.conn, "SELECT count(*)::INT AS n FROM sales")).toEqual([{ n: 5 }]);
    expect(await rows(b.conn, "SELECT max(id)::INT AS m FROM sales")).toEqual([{ m: 4 }]);
    a.release();
    b.release();
    await p.closeAll();
  });

  it("gives readers with other access their own instance, each with its own views, and keeps both warm", async () => {
    const p = pool(60_000);
    const filtered = spec({
      policy: "digest-filtered",
      datasets: [{ name: "sales", paths: [fileA], where: `("id" < 2)` }],
    });
    const open = await p.acquire(spec());
    const narrow = await p.acquire(filtered);
    expect(await rows(open.conn, "SELECT count(*)::INT AS n FROM sales")).toEqual([{ n: 5 }]);
    expect(await rows(narrow.conn, "SELECT count(*)::INT AS n FROM sales")).toEqual([{ n: 2 }]);
    open.release();
    narrow.release();
    // Alternating readers reuse their instances instead of retiring each other's.
    await p.acquire(spec()).then((l) => l.release());
    await p.acquire(filtered).then((l) => l.release());
    expect(p.opened).toBe(2);
    await p.closeAll();
  });

  it("keeps every new connection locked down", async () => {
    const p = pool(60_000);
    await p.acquire(spec()).then((l) => l.release());
    const l = await p.acquire(spec());
    // Bypassing the statement check on purpose: the instance itself must refuse.
    await expect(l.conn.run("SET enable_external_access = true")).rejects.toThrow(/configuration has been locked/);
    await expect(l.conn.run(`SELECT * FROM read_parquet(${lit(fileB)})`)).rejects.toThrow(/Permission Error/);
    // Read on the connection itself: the statement check refuses duckdb_settings().
    const [s] = (
      await l.conn.runAndReadAll(
        "SELECT (SELECT value FROM duckdb_settings() WHERE name = 'allowed_directories') AS dirs, " +
          "current_setting('memory_limit') AS mem",
      )
    ).getRowObjectsJson() as { dirs: string; mem: string }[];
    // The tenant's result directory and this instance's own spill directory, nothing else.
    expect(s!.dirs.split(", ").sort()).toEqual(
      [`[${l.resultDir}/`, `${path.join(path.dirname(l.resultDir), `session-${process.pid}-1`, "spill")}/]`].sort(),
    );
    expect(s!.mem).toBe("128.0 MiB");
    l.release();
    await p.closeAll();
  });

  it("opens a new instance for new dataset versions or limits, and retires the old one", async () => {
    const p = pool(60_000);
    const old = await p.acquire(spec());
    const next = await p.acquire(spec({ fingerprint: "v2", datasets: [{ name: "sales_v2", paths: [fileA] }] }));
    expect(p.opened).toBe(2);
    await expect(rows(next.conn, "SELECT * FROM sales")).rejects.toThrow(/sales does not exist/);
    old.release();
    await p.acquire(spec()).then((l) => l.release());
    expect(p.opened).toBe(3);
    next.release();
    await p.closeAll();
  });

  it("never shares an instance between tenants", async () => {
    const p = pool(60_000);
    const a = await p.acquire(spec());
    const b = await p.acquire(spec({ tenantId: "tenantb1", datasets: [{ name: "secrets", paths: [fileB] }] }));
    expect(p.opened).toBe(2);
    await expect(rows(a.conn, "SELECT * FROM secrets")).rejects.toThrow(/secrets does not exist/);
    await expect(rows(b.conn, "SELECT * FROM sales")).rejects.toThrow(/sales does not exist/);
    expect(a.resultDir).not.toBe(b.resultDir);
    a.release();
    b.release();
    await p.closeAll();
  });

  it("with no idle time, opens an instance per query", async () => {
    const p = pool(0);
    for (let i = 0; i < 3; i++) await p.acquire(spec()).then((l) => l.release());
    expect(p.opened).toBe(3);
    await p.closeAll();
  });
});
