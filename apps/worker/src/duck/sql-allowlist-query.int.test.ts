import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueryRun, getQueryRunById } from "@scrollintel/core/services/query-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask } from "../../../../test/worker-harness";
import type { EnginePool } from "../engine/engine-pool";
import { makeEnginePool, makeQueryTask } from "../tasks/query";

// The reproduction through the query task: two members of one tenant
// share its warm DuckDB instance; one tries to switch logging on and read the
// log, or to abort the engine. Each such run fails with a sentence naming the
// function, and the other member's queries carry on in the same instance.
let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let engines: EnginePool;
let alice: TestUser;
let mallory: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  const base = makeWorkerDeps(t.db);
  engines = makeEnginePool(base);
  deps = { ...base, engines };
  const tenant = await createTenant(t.db);
  alice = await createMember(t.db, tenant, "ANALYST");
  mallory = await createMember(t.db, tenant, "ANALYST");
});

afterAll(async () => {
  await engines.close();
  deps.cleanup();
  await t.drop();
});

async function runQuery(user: TestUser, sql: string) {
  const { id } = await createQueryRun(t.db, ctxOf(user), { sql, useCache: false });
  await runTask(makeQueryTask(deps), { queryRunId: id }, { attempts: 1, max_attempts: 1 });
  return getQueryRunById(t.db, ctxOf(user), id);
}

describe("the query task and the allowlist", () => {
  it("fails the runs that reach for logging, settings or the log, and nobody else's", async () => {
    const refused = [
      ["SELECT * FROM enable_logging()", "Function enable_logging is not available in queries."],
      [
        "SELECT * FROM enable_logging(storage = 'file', storage_path = '/tmp/si-log')",
        "Function enable_logging is not available in queries.",
      ],
      ["FROM duckdb_settings()", "Function duckdb_settings is not available in queries."],
      ["SELECT current_setting('temp_directory')", "Setting temp_directory is not available in queries"],
    ];
    for (const [sql, message] of refused) {
      const run = await runQuery(mallory, sql!);
      expect(run.status, sql).toBe("FAILED");
      expect(run.error, sql).toContain(message);
    }
    const alices = await runQuery(alice, "SELECT 'alice-private' AS s");
    expect(alices.status).toBe("SUCCEEDED");
    const log = await runQuery(mallory, "SELECT * FROM duckdb_logs() WHERE message LIKE '%alice-private%'");
    expect(log).toMatchObject({ status: "FAILED", error: "Function duckdb_logs is not available in queries." });
    expect(engines.opened).toBe(1);
    expect((await runQuery(mallory, "SELECT count(*) AS n FROM range(5)")).status).toBe("SUCCEEDED");
  });
});
