import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { NotifyListener, waitUntilDone } from "./notify-listener";

let t: TestDb;
let listener: NotifyListener;
let sender: pg.Client;

beforeAll(async () => {
  t = await createTestDb();
  listener = new NotifyListener(t.url, "si_test_channel");
  await listener.ready();
  sender = new pg.Client({ connectionString: t.url });
  await sender.connect();
});
afterAll(async () => {
  await listener.close();
  await sender.end();
  await t.drop();
});

const notify = (id: string) => sender.query("SELECT pg_notify('si_test_channel', $1)", [id]);

/** Resolves with the ids heard for `id` once `n` arrived. */
function hear(id: string, n = 1): Promise<string[]> {
  const heard: string[] = [];
  return new Promise((resolve) => {
    const off = listener.subscribe(id, () => {
      heard.push(id);
      if (heard.length === n) {
        off();
        resolve(heard);
      }
    });
  });
}

describe("NotifyListener", () => {
  it("wakes the subscribers of the notified id only", async () => {
    let other = 0;
    const offOther = listener.subscribe("run-b", () => other++);
    const heard = hear("run-a");
    await notify("run-a");
    expect(await heard).toEqual(["run-a"]);
    offOther();
    expect(other).toBe(0);
  });

  it("waits until the check passes, woken by NOTIFY", async () => {
    let done = false;
    let checks = 0;
    const check = async () => (checks++, done);
    const waiting = waitUntilDone({ id: "run-c", timeoutMs: 30_000, listener, check });
    while (checks === 0) await new Promise((r) => setTimeout(r, 10));
    done = true;
    await notify("run-c");
    await expect(waiting).resolves.toBe(true);
    await expect(waitUntilDone({ id: "run-d", timeoutMs: 50, listener, check: async () => false })).resolves.toBe(
      false,
    );
  });

  it("reconnects after its connection is killed and hears the next NOTIFY", async () => {
    const admin = new pg.Client({ connectionString: t.url });
    await admin.connect();
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    );
    await admin.end();
    const heard = hear("run-e");
    let got = false;
    void heard.then(() => (got = true));
    while (!got) {
      await notify("run-e");
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await heard).toEqual(["run-e"]);
  });
});
