import { describe, expect, it } from "vitest";
import { canonicalJson, chainHash, GENESIS_HASH, verifyChain, type AuditRecord } from "./audit";

function chain(n: number) {
  const out: Array<AuditRecord & { prevHash: string; hash: string }> = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const rec: AuditRecord = {
      tenantId: "t1",
      seq: i,
      actorId: "u1",
      actorType: "USER",
      action: "query.run",
      target: `q${i}`,
      ip: "127.0.0.1",
      userAgent: "test",
      metadata: { b: 1, a: [i] },
      createdAt: new Date(Date.UTC(2026, 0, i)),
    };
    const hash = chainHash(prev, rec);
    out.push({ ...rec, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe("audit hash chain", () => {
  it("canonicalises key order at every depth", () => {
    expect(canonicalJson({ b: { d: 1, c: 2 }, a: null })).toBe('{"a":null,"b":{"c":2,"d":1}}');
  });

  it("verifies an intact chain", () => {
    expect(verifyChain(chain(5))).toBeNull();
  });

  it("finds an edited event", () => {
    const c = chain(5);
    c[2] = { ...c[2]!, action: "query.cancel" };
    expect(verifyChain(c)).toEqual({ seq: 3, problem: "hash-mismatch" });
  });

  it("finds a removed event", () => {
    const c = chain(5);
    c.splice(1, 1);
    expect(verifyChain(c)).toEqual({ seq: 3, problem: "gap" });
  });

  it("finds a rewritten tail whose links do not join", () => {
    const c = chain(4);
    const forged = chain(4)[3]!;
    c[3] = { ...forged, prevHash: "f".repeat(64) };
    expect(verifyChain(c)).toEqual({ seq: 4, problem: "prev-mismatch" });
  });
});
