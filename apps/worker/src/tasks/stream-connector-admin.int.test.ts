// Managing a connector: only admins; an edit keeps, replaces or removes the
// credentials and restarts the position only for another stream; a batch
// pulled before a pause or an edit does not commit; a committed one moves the
// status the Connectors page shows (records consumed, pending, last message).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createNatsConnector,
  getConnectorById,
  setConnectorPaused,
  updateNatsConnector,
} from "@scrollintel/core/services/connector-admin-service";
import { commitConnectorBatch, loadConnector } from "@scrollintel/core/services/stream-connector-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps } from "../../../../test/worker-harness";

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let admin: TestUser;
let analyst: TestUser;
let id = "";

const settings = { datasetName: "orders", servers: ["nats://127.0.0.1:4222"], stream: "ORDERS" };
const batch = (first: bigint, n: number, pending: bigint) => ({
  messages: Array.from({ length: n }, (_, i) => Buffer.from(JSON.stringify({ id: Number(first) + i }))),
  first,
  last: first + BigInt(n - 1),
  pending,
});

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db, { CONNECTOR_SECRET_KEY: "connector-test-key-0123456789" });
  const tenant = await createTenant(t.db);
  admin = await createMember(t.db, tenant, "ADMIN");
  analyst = await createMember(t.db, tenant, "ANALYST");
});
afterAll(async () => {
  deps.cleanup();
  await t.drop();
});

const secret = async () => (await t.db.streamConnector.findUniqueOrThrow({ where: { id } })).secret;
const load = async () => (await loadConnector(t.db, deps.config, id))!;

describe("connector management", () => {
  it("is for admins only", async () => {
    await expect(createNatsConnector(t.db, deps.config, ctxOf(analyst), settings)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    id = (await createNatsConnector(t.db, deps.config, ctxOf(admin), { ...settings, credentials: { token: "t1" } })).id;
    await expect(getConnectorById(t.db, ctxOf(analyst), id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const v = await getConnectorById(t.db, ctxOf(admin), id);
    expect(v).toMatchObject({ state: "running", hasCredentials: true, recordsConsumed: 0, pending: null });
  });

  it("commits a batch with its status, and none pulled before a pause or an edit", async () => {
    const c = await load();
    expect(await commitConnectorBatch(t.db, deps.storage, c, batch(1n, 10, 4n))).toBe(true);
    expect(await getConnectorById(t.db, ctxOf(admin), id)).toMatchObject({
      recordsConsumed: 10,
      pending: 4,
      position: 10,
      state: "running",
    });
    expect((await getConnectorById(t.db, ctxOf(admin), id)).lastMessageAt).not.toBeNull();

    const pulledBeforePause = await load();
    await setConnectorPaused(t.db, ctxOf(admin), id, true);
    expect(await commitConnectorBatch(t.db, deps.storage, pulledBeforePause, batch(11n, 4, 0n))).toBe(false);
    expect((await getConnectorById(t.db, ctxOf(admin), id)).state).toBe("paused");
    await setConnectorPaused(t.db, ctxOf(admin), id, false);

    const pulledBeforeEdit = await load();
    await updateNatsConnector(t.db, deps.config, ctxOf(admin), { id, ...settings, subject: "orders.eu.>" });
    expect(await commitConnectorBatch(t.db, deps.storage, pulledBeforeEdit, batch(11n, 4, 0n))).toBe(false);
    const after = await getConnectorById(t.db, ctxOf(admin), id);
    expect(after).toMatchObject({ recordsConsumed: 10, position: 10, subject: "orders.eu.>" });
    expect(await t.db.streamSegment.count({ where: { datasetId: after.datasetId } })).toBe(1);
  });

  it("keeps, replaces or removes credentials, and restarts the position only for another stream", async () => {
    const first = await secret();
    await updateNatsConnector(t.db, deps.config, ctxOf(admin), { id, ...settings });
    expect(await secret()).toBe(first);
    expect((await getConnectorById(t.db, ctxOf(admin), id)).position).toBe(10);

    await updateNatsConnector(t.db, deps.config, ctxOf(admin), { id, ...settings, credentials: { token: "t2" } });
    expect(await secret()).not.toBe(first);
    expect((await load()).credentials).toEqual({ token: "t2" });

    const moved = await updateNatsConnector(t.db, deps.config, ctxOf(admin), {
      id,
      ...settings,
      stream: "ORDERS_V2",
      credentials: null,
    });
    expect(moved.positionReset).toBe(true);
    expect(await secret()).toBeNull();
    expect(await getConnectorById(t.db, ctxOf(admin), id)).toMatchObject({
      position: 0,
      pending: null,
      hasCredentials: false,
    });
  });
});
