import { afterAll, beforeAll } from "vitest";
import type { RoleName } from "@scrollintel/core/roles";
import { createMember, createTenant, type TestUser } from "./factories";
import { createTestDb, type TestDb } from "./test-db";
import { makeWorkerDeps } from "./worker-harness";

export interface WorkerSuite {
  t: TestDb;
  deps: ReturnType<typeof makeWorkerDeps>;
  /** A member of a fresh tenant. */
  user: TestUser;
}

/**
 * The opening most worker suites share: before them, a fresh database, worker
 * deps on it (config `env` on top) and one member of a fresh tenant, handed
 * to `opened`; after them, the deps' scratch and the database go.
 */
export function workerSuite(
  opened: (s: WorkerSuite) => void,
  opts: { env?: Record<string, string>; role?: RoleName } = {},
): void {
  let t: TestDb | undefined;
  let deps: WorkerSuite["deps"] | undefined;
  beforeAll(async () => {
    t = await createTestDb();
    deps = makeWorkerDeps(t.db, opts.env);
    opened({ t, deps, user: await createMember(t.db, await createTenant(t.db), opts.role ?? "ANALYST") });
  });
  afterAll(async () => {
    deps?.cleanup();
    await t?.drop();
  });
}
