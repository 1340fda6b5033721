// The attacker inside the tenant: a member whose dataset policy hides a
// dataset calls every procedure that acts on a dataset, a version or a trash
// item by id, with the real ids. Each answers NOT_FOUND, word for word what
// it answers for another tenant's id, and nothing changes. The same calls by
// a member the policy allows get past the check. The procedures are found
// from their inputs, so a new one that takes such an id must be listed here.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetPolicy } from "@scrollintel/core/access/policy";
import { can, type Permission } from "@scrollintel/core/roles";
import { authenticateApiKey, createApiKey } from "@scrollintel/core/services/api-key-service";
import { createUpload, finishUpload } from "@scrollintel/core/services/upload-service";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../../test/factories";
import {
  findDatasetProcedures,
  makeTargets,
  PROCEDURE_CALLS,
  type Api,
  type Targets,
} from "../../../../../test/procedure-calls";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { callerFor, callerForKey, PROCEDURES } from "../../../../../test/trpc-caller";

/**
 * What the allowed caller gets on fresh targets: done, or a refusal about the
 * object's state (which comes after the policy check, so it proves the caller
 * got past it). MANAGERS_ONLY: the procedure needs access.manage, which
 * exempts its holder from dataset policies; nobody else gets past its role check.
 */
type Allowed = "OK" | "CONFLICT" | "MANAGERS_ONLY";
const DATASET_PROCEDURES: Record<string, Allowed> = {
  "dataset.get": "OK",
  "dataset.reingest": "OK",
  "dataset.cancel": "OK",
  "dataset.rejects": "OK",
  "dataset.streamStats": "OK",
  // Not archived: the answer is about its tier.
  "dataset.restoreArchive": "CONFLICT",
  // READY, not awaiting confirmation.
  "dataset.confirm": "CONFLICT",
  "dataset.discard": "CONFLICT",
  "dataset.intake": "OK",
  "dataset.updatePreview": "OK",
  "dataset.startIngest": "OK",
  "dataset.resolveDuplicate": "OK",
  "dataset.rename": "OK",
  "dataset.rollback": "OK",
  // The only READY version: delete the dataset instead.
  "dataset.deleteVersion": "CONFLICT",
  "dataset.restore": "OK",
  "dataset.delete": "OK",
  // A file dataset: an event-time column is for streams.
  "dataset.setStreamEventTime": "CONFLICT",
  "access.policy": "OK",
  "access.setPolicy": "MANAGERS_ONLY",
};

let t: TestDb;
let tenant: { id: string; slug: string };
let owner: TestUser;
let admin: TestUser;
let insiders = "";
let targets: Targets;
let foreign: Targets;
let foreignOwner: TestUser;
const callers = {} as Record<"hidden" | "allowed", { analyst: Api; key: Api }>;

const RESTRICTED = (groupId: string): DatasetPolicy => ({
  visibility: "restricted",
  allow: [{ kind: "group", groupId }],
  masks: [],
  rowFilters: [],
});

/** Every dataset of the tenant without a policy (the new targets) becomes visible to insiders only. */
async function restrictAll(tenantId: string) {
  await t.db.$executeRaw`
    INSERT INTO "DatasetPolicy" ("datasetId", "tenantId", policy, "updatedBy")
    SELECT id, "tenantId", ${JSON.stringify(RESTRICTED(insiders))}::jsonb, ${owner.id}
      FROM "Dataset" WHERE "tenantId" = ${tenantId}
    ON CONFLICT ("datasetId") DO NOTHING`;
}

/** Owners and admins hold access.manage; a key of one without the admin scope does not, so the policy binds it. */
async function keyOf(u: TestUser): Promise<Api> {
  const { key } = await createApiKey(t.db, ctxOf(u), { name: "loader", scopes: ["read", "upload"] });
  return callerForKey(t.db, (await authenticateApiKey(t.db, key))!);
}

/** Everything of the tenant a write could change; refusals' own audit events aside. */
async function snapshot(tenantId: string): Promise<string> {
  const rows = async (table: string, extra = "") =>
    t.db.$queryRawUnsafe<{ j: unknown }[]>(
      `SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY to_jsonb(x)::text), '[]') AS j
         FROM "${table}" x WHERE "tenantId" = $1 ${extra}`,
      tenantId,
    );
  const parts = [];
  for (const table of ["Dataset", "DatasetVersion", "TrashItem", "Upload", "Job", "DatasetPolicy"]) {
    parts.push(await rows(table));
  }
  parts.push(await rows("AuditEvent", `AND action NOT LIKE 'refusal.%'`));
  parts.push(await t.db.$queryRawUnsafe(`SELECT count(*)::int AS n FROM graphile_worker._private_jobs`));
  return JSON.stringify(parts, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

const permissionOf = (path: string): Permission => PROCEDURES[path]!._def.meta!.permission!;
/** The analyst's session where its role holds the permission; otherwise the key (deletes and restores). */
const apiFor = (who: "hidden" | "allowed", path: string) =>
  can("ANALYST", permissionOf(path)) ? callers[who].analyst : callers[who].key;

async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string } | "OK"> {
  try {
    await call;
    return "OK";
  } catch (e) {
    if (!(e instanceof TRPCError)) throw e;
    return { code: e.code, message: e.message };
  }
}

beforeAll(async () => {
  t = await createTestDb();
  tenant = await createTenant(t.db, { slug: "acme" });
  owner = await createMember(t.db, tenant, "OWNER");
  admin = await createMember(t.db, tenant, "ADMIN");
  const [hiddenAnalyst, allowedAnalyst, allowedAdmin] = [
    await createMember(t.db, tenant, "ANALYST"),
    await createMember(t.db, tenant, "ANALYST"),
    await createMember(t.db, tenant, "ADMIN"),
  ];
  insiders = (await t.db.accessGroup.create({ data: { tenantId: tenant.id, name: "insiders" } })).id;
  await t.db.accessGroupMember.createMany({
    data: [allowedAnalyst, allowedAdmin].map((u) => ({ tenantId: tenant.id, groupId: insiders, userId: u.id })),
  });
  callers.hidden = { analyst: callerFor(t.db, hiddenAnalyst), key: await keyOf(admin) };
  callers.allowed = { analyst: callerFor(t.db, allowedAnalyst), key: await keyOf(allowedAdmin) };
  targets = await makeTargets(t.db, owner);
  await restrictAll(tenant.id);
  foreignOwner = await createMember(t.db, await createTenant(t.db, { slug: "globex" }), "OWNER");
  foreign = await makeTargets(t.db, foreignOwner);
});
afterAll(() => t.drop());

describe("dataset policies on every procedure that takes a dataset, version or trash item id", () => {
  it("lists every such procedure (found from the ids their calls send)", async () => {
    expect(await findDatasetProcedures(targets)).toEqual(Object.keys(DATASET_PROCEDURES).sort());
  });

  for (const [path, allowed] of Object.entries(DATASET_PROCEDURES)) {
    if (allowed === "MANAGERS_ONLY") {
      it(`${path}: needs access.manage, which no caller the policy binds holds`, async () => {
        expect(permissionOf(path)).toBe("access.manage");
        for (const api of Object.values(callers.hidden)) {
          expect(await refusal(PROCEDURE_CALLS[path]!(api, targets))).toMatchObject({ code: "FORBIDDEN" });
        }
      });
      continue;
    }

    it(`${path}: NOT_FOUND to a member the policy hides the dataset from, as for another tenant's id; nothing changes`, async () => {
      const api = apiFor("hidden", path);
      const before = await snapshot(tenant.id);
      const got = await refusal(PROCEDURE_CALLS[path]!(api, targets));
      expect(got, path).toMatchObject({ code: "NOT_FOUND" });
      expect(got, `${path}: the same words as for another tenant's id`).toEqual(
        await refusal(PROCEDURE_CALLS[path]!(api, foreign)),
      );
      expect(await snapshot(tenant.id), `${path} changed something`).toBe(before);
    });

    it(`${path}: gets past the check for a member the policy allows`, async () => {
      const fresh = await makeTargets(t.db, owner);
      await restrictAll(tenant.id);
      const got = await refusal(PROCEDURE_CALLS[path]!(apiFor("allowed", path), fresh));
      if (allowed === "OK") expect(got, path).toBe("OK");
      else expect(got, path).toMatchObject({ code: allowed });
    });
  }

  it("exempts those who manage access: an admin's session gets past the check everywhere", async () => {
    const api = callerFor(t.db, admin);
    for (const path of Object.keys(DATASET_PROCEDURES)) {
      const fresh = await makeTargets(t.db, owner);
      await restrictAll(tenant.id);
      const got = await refusal(PROCEDURE_CALLS[path]!(api, fresh));
      expect(got === "OK" || got.code === "CONFLICT", `${path}: ${JSON.stringify(got)}`).toBe(true);
    }
  });
});

describe("around the procedures", () => {
  it("leaves a hidden dataset out of the trash list of a member it is hidden from", async () => {
    const names = (api: Api) => api.trash.list().then((items) => items.map((i) => i.id));
    expect(await names(callers.hidden.analyst)).not.toContain(targets.trashItemId);
    expect(await names(callers.allowed.analyst)).toContain(targets.trashItemId);
    expect(await names(callerFor(t.db, admin))).toContain(targets.trashItemId);
  });

  it("refuses replace or append into a duplicate the uploader may no longer see, as if it were gone", async () => {
    const fresh = await makeTargets(t.db, owner);
    await restrictAll(tenant.id);
    // The parked version is the uploader's own; only the dataset it duplicates is hidden from them.
    const mine = await t.db.datasetVersion.findUniqueOrThrow({ where: { id: fresh.duplicateVersionId } });
    await t.db.datasetPolicy.update({
      where: { datasetId: mine.datasetId },
      data: { policy: { visibility: "everyone", allow: [], masks: [], rowFilters: [] } },
    });
    const before = await snapshot(tenant.id);
    for (const choice of ["replace", "append"] as const) {
      const got = await refusal(
        callers.hidden.analyst.dataset.resolveDuplicate({ versionId: fresh.duplicateVersionId, choice }),
      );
      expect(got).toEqual({ code: "CONFLICT", message: "The matching dataset is gone." });
    }
    expect(await snapshot(tenant.id)).toBe(before);
    const kept = await callers.hidden.analyst.dataset.resolveDuplicate({
      versionId: fresh.duplicateVersionId,
      choice: "keep",
    });
    expect(kept.datasetId).toBe(mine.datasetId);
  });

  it("checks an append again when its upload finishes: a policy that hid the dataset meanwhile wins", async () => {
    const fresh = await makeTargets(t.db, owner);
    const member = await createMember(t.db, tenant, "ANALYST");
    const up = await createUpload(t.db, ctxOf(member), {
      filename: "more.csv",
      sizeBytes: 10n,
      appendToDatasetId: fresh.datasetId,
    });
    await restrictAll(tenant.id);
    await expect(finishUpload(t.db, ctxOf(member), { uploadId: up.uploadId, storedBytes: 10n })).rejects.toThrow(
      "dataset not found",
    );
    expect((await t.db.upload.findUniqueOrThrow({ where: { id: up.uploadId } })).status).toBe("CREATED");
    await expect(
      createUpload(t.db, ctxOf(member), { filename: "again.csv", sizeBytes: 10n, appendToDatasetId: fresh.datasetId }),
    ).rejects.toThrow("dataset not found");
  });
});
