// A throwaway JetStream stream on the test NATS server (TEST_NATS_URL, default
// nats://127.0.0.1:4222) for browser tests. The client library is the worker's
// dependency, loaded from there so the web app does not take it on.
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";

interface NatsConn {
  jetstreamManager(): Promise<{
    streams: { add(c: { name: string; subjects: string[] }): Promise<unknown>; delete(n: string): Promise<boolean> };
  }>;
  jetstream(): { publish(subject: string, data: string): Promise<unknown> };
  close(): Promise<void>;
}
interface NatsLib {
  connect(o: { servers: string }): Promise<NatsConn>;
}

export const NATS_URL = process.env.TEST_NATS_URL ?? "nats://127.0.0.1:4222";

export interface TestStream {
  name: string;
  /** Subjects of the stream are `${prefix}.>`. */
  prefix: string;
  publish(subject: string, records: object[]): Promise<void>;
  drop(): Promise<void>;
}

/** A stream with a unique name per run; `drop` deletes it and closes the connection. */
export async function createTestStream(): Promise<TestStream> {
  const worker = path.resolve(import.meta.dirname, "../apps/worker/package.json");
  const nats = createRequire(worker)("nats") as NatsLib;
  const nc = await nats.connect({ servers: NATS_URL.replace(/^nats:\/\//, "") });
  const id = randomBytes(4).toString("hex");
  const name = `si_e2e_${id}`;
  const prefix = `si.e2e.${id}`;
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name, subjects: [`${prefix}.>`] });
  const js = nc.jetstream();
  return {
    name,
    prefix,
    async publish(subject, records) {
      for (const r of records) await js.publish(subject, JSON.stringify(r));
    },
    async drop() {
      await jsm.streams.delete(name).catch(() => false);
      await nc.close();
    },
  };
}
