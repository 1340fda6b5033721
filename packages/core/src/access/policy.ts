import { z } from "zod";
import { ROLES } from "../roles";

/** Whom a rule is about: a tenant role, a group of the tenant (by id), or every member. */
export const ZSubject = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("role"), role: z.enum(ROLES) }),
  z.object({ kind: z.literal("group"), groupId: z.string().min(1).max(64) }),
  z.object({ kind: z.literal("everyone") }),
]);
export type Subject = z.infer<typeof ZSubject>;

export const MASK_METHODS = ["redact", "hash", "partial", "nullify"] as const;
export type MaskMethod = (typeof MASK_METHODS)[number];

export const ZColumnMask = z.object({
  column: z.string().min(1).max(256),
  method: z.enum(MASK_METHODS),
  subjects: z.array(ZSubject).min(1).max(50),
});
export type ColumnMask = z.infer<typeof ZColumnMask>;

export const ZRowFilter = z.object({
  /** A boolean expression over the dataset's columns and `user.<attribute>` (access/row-filter.ts). */
  predicate: z.string().min(1).max(2000),
  subjects: z.array(ZSubject).min(1).max(50),
});
export type RowFilter = z.infer<typeof ZRowFilter>;

/**
 * A dataset's access policy. `everyone`: every member of the tenant sees it;
 * `restricted`: only the subjects in `allow`. Masks and row filters then apply
 * to whoever they name.
 */
export const ZDatasetPolicy = z.object({
  visibility: z.enum(["everyone", "restricted"]),
  allow: z.array(ZSubject).max(50),
  masks: z.array(ZColumnMask).max(500),
  rowFilters: z.array(ZRowFilter).max(50),
});
export type DatasetPolicy = z.infer<typeof ZDatasetPolicy>;

export const OPEN_POLICY: DatasetPolicy = { visibility: "everyone", allow: [], masks: [], rowFilters: [] };

/** Parses a stored policy; anything unreadable is treated as visible to nobody (fail closed). */
export function parseStoredPolicy(value: unknown): DatasetPolicy {
  const r = ZDatasetPolicy.safeParse(value);
  return r.success ? r.data : { visibility: "restricted", allow: [], masks: [], rowFilters: [] };
}

/** Who is reading: the member's role, their groups and their attributes in this tenant. */
export interface Principal {
  role: string;
  groupIds: string[];
  attributes: Record<string, string>;
}

export function subjectMatches(s: Subject, p: Principal): boolean {
  if (s.kind === "everyone") return true;
  if (s.kind === "role") return s.role === p.role;
  return p.groupIds.includes(s.groupId);
}

export function anyMatches(subjects: Subject[], p: Principal): boolean {
  return subjects.some((s) => subjectMatches(s, p));
}

/** Of several masks naming one column for one reader, the one that reveals least wins. */
const STRENGTH: Record<MaskMethod, number> = { partial: 1, hash: 2, redact: 3, nullify: 4 };

export function strongerMask(a: MaskMethod | undefined, b: MaskMethod): MaskMethod {
  return a === undefined || STRENGTH[b] > STRENGTH[a] ? b : a;
}
