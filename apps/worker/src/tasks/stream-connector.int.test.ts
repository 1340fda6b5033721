// The NATS JetStream source connector against a real server (TEST_NATS_URL,
// default nats://127.0.0.1:4222): messages become segments of a streaming
// dataset, the position commits with each segment, so consuming twice (a
// redelivery, or two jobs at once) adds nothing twice; credentials are encrypted.
import { randomBytes } from "node:crypto";
import { connect, type NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNatsConnector, findConnectors } from "@scrollintel/core/services/connector-admin-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { makeWorkerDeps, runTask } from "../../../../test/worker-harness";
import { makeStreamCompactTask } from "./stream-compact";
import { makeStreamConnectorTask } from "./stream-connector";

const NATS_URL = process.env.TEST_NATS_URL ?? "nats://127.0.0.1:4222";
const stream = `si_test_${randomBytes(4).toString("hex")}`;
const subject = `si.test.${stream}`;

let t: TestDb;
let deps: ReturnType<typeof makeWorkerDeps>;
let nc: NatsConnection;
let acme: TestUser;
let globex: TestUser;
let connectorId = "";
let datasetId = "";

beforeAll(async () => {
  t = await createTestDb();
  deps = makeWorkerDeps(t.db, { STREAM_COMPACT_AGE_MS: "1", CONNECTOR_SECRET_KEY: "connector-test-key-0123456789" });
  acme = await createMember(t.db, await createTenant(t.db), "ADMIN");
  globex = await createMember(t.db, await createTenant(t.db), "ADMIN");
  nc = await connect({ servers: NATS_URL.replace(/^nats:\/\//, "") });
  await (await nc.jetstreamManager()).streams.add({ name: stream, subjects: [`${subject}.>`] });
});
afterAll(async () => {
  await (await nc.jetstreamManager()).streams.delete(stream).catch(() => undefined);
  await nc.close();
  deps.cleanup();
  await t.drop();
});

async function publish(from: number, n: number) {
  const js = nc.jetstream();
  for (let i = from; i < from + n; i++) {
    // Pretty-printed on purpose: one message is one record whatever its newlines.
    await js.publish(`${subject}.orders`, JSON.stringify({ id: i, kind: "order" }, null, 2));
  }
}

const consume = () => runTask(makeStreamConnectorTask(deps, { consumeMs: 1500 }), { connectorId });

async function records() {
  const segs = await t.db.streamSegment.findMany({ where: { datasetId } });
  return segs.reduce((n, s) => n + s.records, 0);
}

describe("NATS JetStream connector", () => {
  it("stores the connection with its credentials encrypted, and lists it without them", async () => {
    const r = await createNatsConnector(t.db, deps.config, ctxOf(acme), {
      datasetName: "orders",
      servers: [NATS_URL],
      stream,
      subject: `${subject}.>`,
      credentials: { token: "tok-not-needed-here" },
    });
    connectorId = r.id;
    datasetId = r.datasetId;
    const row = await t.db.streamConnector.findUniqueOrThrow({ where: { id: connectorId } });
    expect(row.secret).toMatch(/^v1\./);
    expect(row.secret).not.toContain("tok-not-needed-here");
    const listed = await findConnectors(t.db, ctxOf(acme));
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain("tok-");
    expect(await findConnectors(t.db, ctxOf(globex))).toEqual([]);
  });

  it("consumes published messages into segments, committing the stream position with them", async () => {
    await publish(0, 30);
    await consume();
    expect(await records()).toBe(30);
    const c = await t.db.streamConnector.findUniqueOrThrow({ where: { id: connectorId } });
    expect(c.position).toBe(30n);
  });

  it("adds nothing twice when consumed again or by two jobs at once", async () => {
    await consume();
    expect(await records()).toBe(30);
    await publish(30, 20);
    await Promise.all([consume(), consume()]);
    expect(await records()).toBe(50);
    await runTask(makeStreamCompactTask(deps), { datasetId });
    const v = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId, version: 1 } });
    expect(v.rowCount).toBe(50n);
    expect(v.rejectedRows).toBe(0n);
  });
});
