import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { DomainError } from "../errors";
import { hashPassword } from "../passwords";
import { systemTx } from "../db/scoped";

/**
 * The first platform admin of a production install: no seeded account, no
 * known password. With BOOTSTRAP_ADMIN_EMAIL set and no platform admin yet,
 * each web start prints a one-time link; the first link used creates the
 * admin with the password chosen there, and every other link dies with it.
 * The SetupToken rows are the trail (issued, used, by whom, from where).
 */
export const SETUP_LINK_TTL_MS = 24 * 60 * 60_000;
const INVALID = "This setup link is invalid, already used or expired. Restart the web server for a new one.";

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function issueSetupLink(
  db: Db,
  input: { email: string; appUrl: string; now?: Date },
): Promise<{ url: string; expiresAt: Date } | null> {
  const now = input.now ?? new Date();
  return systemTx(db, async (tx) => {
    if (await tx.user.count({ where: { isPlatformAdmin: true } })) return null;
    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(now.getTime() + SETUP_LINK_TTL_MS);
    await tx.setupToken.create({
      data: { email: input.email.trim().toLowerCase(), tokenHash: hashToken(token), expiresAt, createdAt: now },
    });
    return { url: `${input.appUrl.replace(/\/+$/, "")}/setup/${token}`, expiresAt };
  });
}

/** The e-mail a live link is for; an unknown, used or expired link is NOT_FOUND. */
export async function getSetupLink(
  db: Db,
  token: string,
  now = new Date(),
): Promise<{ email: string; expiresAt: Date }> {
  const row = await systemTx(db, (tx) => tx.setupToken.findUnique({ where: { tokenHash: hashToken(token) } }));
  if (!row || row.usedAt || row.expiresAt <= now) throw new DomainError("NOT_FOUND", INVALID);
  return { email: row.email, expiresAt: row.expiresAt };
}

export async function completeSetup(
  db: Db,
  input: { token: string; name: string; password: string; ip?: string | null; now?: Date },
): Promise<{ userId: string; email: string }> {
  const now = input.now ?? new Date();
  if (input.password.length < 12) throw new DomainError("BAD_REQUEST", "password: at least 12 characters");
  await getSetupLink(db, input.token, now); // a dead link costs no hashing
  const passwordHash = await hashPassword(input.password);
  return systemTx(db, async (tx) => {
    // One setup at a time, so two links used at once cannot make two admins.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('si_setup', 7))`;
    const row = await tx.setupToken.findUnique({ where: { tokenHash: hashToken(input.token) } });
    if (!row || row.usedAt || row.expiresAt <= now) throw new DomainError("NOT_FOUND", INVALID);
    if (await tx.user.count({ where: { isPlatformAdmin: true } })) throw new DomainError("NOT_FOUND", INVALID);
    const user = await tx.user.upsert({
      where: { email: row.email },
      create: { email: row.email, name: input.name.trim(), passwordHash, isPlatformAdmin: true },
      update: { name: input.name.trim(), passwordHash, isPlatformAdmin: true, sessionVersion: { increment: 1 } },
    });
    await tx.setupToken.update({
      where: { id: row.id },
      data: { usedAt: now, usedBy: user.id, usedIp: input.ip ?? null },
    });
    await tx.setupToken.updateMany({ where: { usedAt: null }, data: { usedAt: now } });
    return { userId: user.id, email: user.email };
  });
}
