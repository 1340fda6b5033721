import { createHash } from "node:crypto";
import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import { isDomainError } from "../errors";
import type { TenantCtx } from "../tenant-context";
import { recordAudit } from "./audit-service";
import { hitRateLimit } from "./rate-limit-service";

/** Refusals written to the audit log per actor and minute; past it they are counted, not written. */
export const REFUSALS_PER_ACTOR_MINUTE = 20;
/** And per tenant and minute, so many keys together cannot flood one tenant's log either. */
export const REFUSALS_PER_TENANT_MINUTE = 200;

/** The refusals worth an audit event: FORBIDDEN (permission, scope, suspension, sandbox) and NOT_FOUND on ids. */
export function refusalCode(e: unknown): "FORBIDDEN" | "NOT_FOUND" | null {
  const code = isDomainError(e) ? e.code : (e as { code?: unknown } | null)?.code;
  return code === "FORBIDDEN" || code === "NOT_FOUND" ? code : null;
}

function messageOf(e: unknown): string {
  const m = (e as { message?: unknown } | null)?.message;
  // Ids in a message (someone else's, perhaps) are cut out, like the target.
  return (typeof m === "string" ? m : String(e)).replace(/[A-Za-z0-9_-]{20,}/g, "…").slice(0, 300);
}

/**
 * The id a refused request named, as a fingerprint: enough to tell repeated
 * probes of one id apart from a sweep, without writing another tenant's ids
 * into this tenant's log (which its admins read).
 */
export function targetFingerprint(id: string): string {
  return `sha256:${createHash("sha256").update(id).digest("hex").slice(0, 16)}`;
}

async function underLimit(db: Db, bucket: string, limit: number, now: Date): Promise<boolean> {
  try {
    await hitRateLimit(db, bucket, limit, now);
    return true;
  } catch {
    return false; // RATE_LIMITED (or the limiter failing): this refusal is not written
  }
}

/**
 * Writes `refusal.<code>` for a refused request to the caller's own tenant's
 * audit log (another tenant's log is never written to by an outsider), at
 * most REFUSALS_PER_ACTOR_MINUTE per actor and REFUSALS_PER_TENANT_MINUTE per
 * tenant. Never throws: the refusal the caller gets is the answer that matters.
 */
export async function auditRefusal(
  db: Db,
  ctx: TenantCtx,
  input: { action: string; error: unknown; target?: string | null; now?: Date },
): Promise<boolean> {
  const code = refusalCode(input.error);
  if (!code) return false;
  const now = input.now ?? new Date();
  try {
    if (!(await underLimit(db, `refusal:actor:${ctx.actor.id}`, REFUSALS_PER_ACTOR_MINUTE, now))) return false;
    if (!(await underLimit(db, `refusal:tenant:${ctx.tenantId}`, REFUSALS_PER_TENANT_MINUTE, now))) return false;
    await recordAudit(db, {
      tenantId: ctx.tenantId,
      actor: ctx.actor,
      action: `refusal.${code.toLowerCase()}`,
      target: input.target ? targetFingerprint(input.target) : null,
      metadata: { attempted: input.action, message: messageOf(input.error) },
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * A query the sandbox refused (not a SELECT, or past the allowlist), audited
 * like any refusal in its tenant, as its author (a user or an API key).
 */
export async function auditSandboxRefusal(db: Db, run: { id: string; tenantId: string }, message: string) {
  const author = await systemTx(db, async (tx) => {
    const r = await tx.queryRun.findUnique({ where: { id: run.id }, select: { userId: true } });
    if (!r) return null;
    const key = await tx.apiKey.findUnique({ where: { id: r.userId }, select: { id: true } });
    return { type: key ? ("API_KEY" as const) : ("USER" as const), id: r.userId };
  });
  if (!author) return false;
  const ctx: TenantCtx = { tenantId: run.tenantId, role: "VIEWER", actor: author, suspended: false };
  return auditRefusal(db, ctx, { action: "query.sandbox", error: { code: "FORBIDDEN", message }, target: run.id });
}
