import type { Db } from "../db/client";
import { DomainError } from "../errors";
import { hashPassword, verifyPassword } from "../passwords";
import { systemTx } from "../db/scoped";

/**
 * Sessions are signed tokens (JWT cookies) that carry the user's
 * sessionVersion from sign-in. Every request compares it with the row, so
 * bumping the row (sign-out, password change) ends every session of that
 * user at once. Roles and memberships are never in the token: each request
 * reads them from Membership, so a role change or a removal applies to the
 * very next request.
 */
export interface SessionState {
  sessionVersion: number;
  isPlatformAdmin: boolean;
}

/**
 * One primary-key lookup on every signed-in request and page. A single
 * statement, not a transaction: "User" has no row-level security and this
 * reads nothing tenant-owned. Through Prisma, not db/sql.ts's pool registry:
 * Next bundles page code and route code separately, each with its own copy
 * of that registry, and pages get the Db the routes made.
 */
export async function getSessionState(db: Db, userId: string): Promise<SessionState | null> {
  const rows = await db.$queryRaw<SessionState[]>`
    SELECT "sessionVersion", "isPlatformAdmin" FROM "User" WHERE id = ${userId}`;
  return rows[0] ?? null;
}

/**
 * Whether a token issued with `tokenVersion` is still good for this user. A
 * token from before versions existed counts as version 0, so it lives until
 * the user's first sign-out or password change.
 */
export function isSessionCurrent(state: SessionState | null, tokenVersion: unknown): state is SessionState {
  if (state === null) return false;
  const v = tokenVersion === undefined ? 0 : tokenVersion;
  return typeof v === "number" && v === state.sessionVersion;
}

/** Ends every session of the user (sign-out signs out everywhere). */
export async function revokeSessions(db: Db, userId: string): Promise<void> {
  await systemTx(db, (tx) => tx.user.updateMany({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } }));
}

/** A new password ends every existing session, including the one that changed it. */
export async function changePassword(
  db: Db,
  input: { userId: string; currentPassword: string; newPassword: string },
): Promise<void> {
  if (input.newPassword.length < 8) throw new DomainError("BAD_REQUEST", "newPassword: at least 8 characters");
  const user = await systemTx(db, (tx) => tx.user.findUnique({ where: { id: input.userId } }));
  if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new DomainError("FORBIDDEN", "currentPassword: wrong password");
  }
  const passwordHash = await hashPassword(input.newPassword);
  await systemTx(db, (tx) =>
    tx.user.update({ where: { id: user.id }, data: { passwordHash, sessionVersion: { increment: 1 } } }),
  );
}
