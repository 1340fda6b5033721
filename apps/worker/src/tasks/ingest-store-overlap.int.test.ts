// An ingest stores its parts while the profile reads them. A profile that
// fails after the parts are stored must leave nothing of the version behind:
// no parts under its prefix, no storage held or counted for it.
import { describe, expect, it, vi } from "vitest";
import { datasetVersionPrefix } from "@scrollintel/core/keys";
import { ctxOf } from "../../../../test/factories";
import { runTask, uploadFile } from "../../../../test/worker-harness";
import { workerSuite, type WorkerSuite } from "../../../../test/worker-suite";
import type * as ProfileColumns from "../duck/profile-columns";
import { makeIngestTask } from "./ingest";

/** What the profile waits for before it fails (set by the test). */
const gate = vi.hoisted(() => ({ beforeFailing: async () => undefined as void }));
vi.mock("../duck/profile-columns", async (original) => ({
  ...(await original<typeof ProfileColumns>()),
  profileColumns: async () => {
    await gate.beforeFailing();
    throw new Error("the profile broke");
  },
}));

let t: WorkerSuite["t"];
let deps: WorkerSuite["deps"];
let user: WorkerSuite["user"];

workerSuite((s) => ({ t, deps, user } = s));

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of deps.storage.list(prefix)) keys.push(o.key);
  return keys;
}

describe("parts stored while the profile runs", () => {
  it("are removed, and their storage given back, when the profile then fails", async () => {
    const up = await uploadFile(deps, ctxOf(user), "late.csv", "id,v\n1,2\n3,4\n");
    const v = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } });
    const prefix = datasetVersionPrefix(v.tenantId, v.datasetId, v.version);
    const before = await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: user.tenantId } });
    let storedMeanwhile: string[] = [];
    gate.beforeFailing = async () => {
      for (let i = 0; i < 500 && !storedMeanwhile.length; i++) {
        storedMeanwhile = await keysUnder(prefix);
        if (!storedMeanwhile.length) await new Promise((r) => setTimeout(r, 10));
      }
    };

    const last = { attempts: 3, max_attempts: 3 };
    await expect(runTask(makeIngestTask(deps), { datasetVersionId: up.versionId }, last)).rejects.toThrow(
      "the profile broke",
    );
    expect(storedMeanwhile).toEqual([`${prefix}part-00000.parquet`]);
    const failed = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: up.versionId } });
    expect(failed.status).toBe("FAILED");
    expect(failed.files).toEqual([]);
    expect(await keysUnder(prefix)).toEqual([]);
    const after = await t.db.tenantQuota.findUniqueOrThrow({ where: { tenantId: user.tenantId } });
    expect([after.storageBytesUsed, after.storageBytesReserved]).toEqual([
      before.storageBytesUsed,
      before.storageBytesReserved,
    ]);
  });
});
