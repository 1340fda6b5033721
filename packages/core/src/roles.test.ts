import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, ROLE_PERMISSIONS, ROLES } from "./roles";

describe("role permissions", () => {
  it("gives each role at least what the role below it has", () => {
    for (let i = 0; i < ROLES.length - 1; i++) {
      const upper = ROLE_PERMISSIONS[ROLES[i]!];
      for (const p of ROLE_PERMISSIONS[ROLES[i + 1]!]) expect(upper.has(p), `${ROLES[i]} ${p}`).toBe(true);
    }
  });

  it("lets viewers read but not upload or run SQL", () => {
    expect(can("VIEWER", "dataset.read")).toBe(true);
    expect(can("VIEWER", "upload.create")).toBe(false);
    expect(can("VIEWER", "query.run")).toBe(false);
  });

  it("keeps the audit log and members to admins", () => {
    expect(can("ANALYST", "audit.read")).toBe(false);
    expect(can("ADMIN", "audit.read")).toBe(true);
    expect(can("ADMIN", "tenant.manage")).toBe(false);
    expect(can("OWNER", "tenant.manage")).toBe(true);
  });

  it("keeps deleting and restoring datasets to admins; analysts rename and roll back", () => {
    expect(can("VIEWER", "dataset.delete")).toBe(false);
    expect(can("ANALYST", "dataset.delete")).toBe(false);
    expect(can("ANALYST", "dataset.write")).toBe(true);
    expect(can("ADMIN", "dataset.delete")).toBe(true);
  });

  it("grants the owner every permission", () => {
    for (const p of PERMISSIONS) expect(can("OWNER", p)).toBe(true);
  });
});
