import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { chainHash, type AuditRecord } from "../audit";
import { createAccessGroup, setAccessGroupMembers } from "./access-group-service";
import { setDatasetPolicy } from "./access-policy-service";
import { authenticateApiKey, createApiKey } from "./api-key-service";
import { iterateAuditEvents } from "./audit-query-service";
import { getComplianceReport, getTenantComplianceReport } from "./compliance-service";
import { createUpload, finishUpload } from "./upload-service";

let t: TestDb;
let owner: TestUser;
let admin: TestUser;
let analyst: TestUser;
let datasetId = "";
const start = new Date(Date.now() - 60_000);

beforeAll(async () => {
  t = await createTestDb();
  const tenant = await createTenant(t.db);
  owner = await createMember(t.db, tenant, "OWNER");
  admin = await createMember(t.db, tenant, "ADMIN");
  analyst = await createMember(t.db, tenant, "ANALYST");
  const up = await createUpload(t.db, ctxOf(owner), { filename: "people.csv", sizeBytes: 10n });
  datasetId = (await finishUpload(t.db, ctxOf(owner), { uploadId: up.uploadId, storedBytes: 10n })).datasetId;
  await t.db.datasetVersion.updateMany({
    where: { datasetId },
    data: {
      status: "READY",
      columns: [
        { name: "email", type: "VARCHAR" },
        { name: "region", type: "VARCHAR" },
      ],
    },
  });
  await t.db.dataset.update({ where: { id: datasetId }, data: { status: "READY", readyVersion: 1 } });
  const g = await createAccessGroup(t.db, ctxOf(admin), { name: "eu" });
  await setAccessGroupMembers(t.db, ctxOf(admin), { groupId: g.id, userIds: [analyst.id] });
  await setDatasetPolicy(t.db, ctxOf(admin), {
    datasetId,
    policy: {
      visibility: "restricted",
      allow: [
        { kind: "group", groupId: g.id },
        { kind: "role", role: "OWNER" },
      ],
      masks: [{ column: "email", method: "partial", subjects: [{ kind: "group", groupId: g.id }] }],
      rowFilters: [{ predicate: "region = user.region", subjects: [{ kind: "group", groupId: g.id }] }],
    },
  });
  await createApiKey(t.db, ctxOf(owner), { name: "etl", scopes: ["read"] });
});
afterAll(() => t.drop());

describe("compliance report", () => {
  it("is for owners and the platform admin only", async () => {
    const period = { from: start, to: new Date(Date.now() + 60_000) };
    await expect(getComplianceReport(t.db, ctxOf(admin), period)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(getComplianceReport(t.db, ctxOf(owner), { from: period.to, to: period.from })).rejects.toThrow(/from/);
  });

  it("says who can read which datasets and columns, with policy history and key usage", async () => {
    const period = { from: start, to: new Date(Date.now() + 60_000) };
    const r = await getComplianceReport(t.db, ctxOf(owner), period);
    const ds = r.access.datasets.find((d) => d.datasetId === datasetId)!;
    const by = (u: TestUser) => ds.readers.find((x) => x.userId === u.id)!;
    expect(by(owner)).toMatchObject({ visible: true, clearColumns: ["email", "region"], rowFilters: [] });
    expect(by(admin)).toMatchObject({ visible: false, clearColumns: [] });
    expect(by(analyst)).toMatchObject({
      visible: true,
      clearColumns: ["region"],
      maskedColumns: { email: "partial" },
      rowFilters: ["region = user.region"],
    });
    expect(r.access.groups).toEqual([expect.objectContaining({ name: "eu", members: [analyst.email] })]);
    expect(r.policyHistory.map((h) => h.action)).toEqual([
      "access.policy.update",
      "access.group.members",
      "access.group.create",
    ]);
    expect(r.apiKeys).toEqual([expect.objectContaining({ name: "etl", scopes: ["read"], lastUsedAt: null })]);
  });

  it("proves the period's audit export complete: contiguous sequence, anchor and head hashes, verified chain", async () => {
    const period = { from: start, to: new Date(Date.now() + 60_000) };
    const { key } = await createApiKey(t.db, ctxOf(owner), { name: "used", scopes: ["read"] });
    await authenticateApiKey(t.db, key);
    const r = await getTenantComplianceReport(t.db, { type: "USER", id: "platform-admin" }, owner.tenantId, period);
    expect(r.audit.chainVerified).toBe(true);
    const events = [];
    for await (const rows of iterateAuditEvents(t.db, owner.tenantId, period)) events.push(...rows);
    expect(events).toHaveLength(r.audit.events);
    expect(events[0]!.seq).toBe(r.audit.firstSeq);
    expect(events.at(-1)!.seq).toBe(r.audit.lastSeq);
    expect(events.at(-1)!.seq - events[0]!.seq + 1).toBe(events.length);
    // Recomputing the exported chain from the anchor ends at the head the report states.
    let prev = r.audit.anchorHash!;
    for (const e of events) {
      const { id: _id, prevHash, hash, ...record } = e;
      expect(prevHash).toBe(prev);
      prev = chainHash(prev, record as AuditRecord);
      expect(prev).toBe(hash);
    }
    expect(prev).toBe(r.audit.periodHeadHash);
    expect(r.audit.exportUrl).toContain("/api/audit/export");
    expect(events.map((e) => e.action)).toContain("compliance.report");
  });
});
