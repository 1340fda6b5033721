import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

/** The fields the chain covers; changing any of them breaks verification. */
export interface AuditRecord {
  tenantId: string;
  seq: number;
  actorId: string | null;
  actorType: string;
  action: string;
  target: string | null;
  ip: string | null;
  userAgent: string | null;
  metadata: unknown;
  createdAt: Date;
}

/** JSON with sorted keys at every depth, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** hash = sha256(prevHash ‖ canonical event) */
export function chainHash(prevHash: string, record: AuditRecord): string {
  return createHash("sha256").update(prevHash).update(canonicalJson(record)).digest("hex");
}

export interface ChainBreak {
  seq: number;
  problem: "hash-mismatch" | "prev-mismatch" | "gap";
}

/** Walks events in seq order and reports the first place the chain does not hold. */
export function verifyChain(
  events: Array<AuditRecord & { prevHash: string; hash: string }>,
  start: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH },
): ChainBreak | null {
  let prev = start;
  for (const e of events) {
    if (e.seq !== prev.seq + 1) return { seq: e.seq, problem: "gap" };
    if (e.prevHash !== prev.hash) return { seq: e.seq, problem: "prev-mismatch" };
    const { prevHash: _p, hash, ...record } = e;
    if (chainHash(e.prevHash, record) !== hash) return { seq: e.seq, problem: "hash-mismatch" };
    prev = { seq: e.seq, hash };
  }
  return null;
}
