/**
 * The sign-in lockout as the `error` string next-auth hands the sign-in form
 * (`SignInLocked:<epoch ms>`), and back. Client-safe.
 */
const PREFIX = "SignInLocked:";

export function signInLockedCode(retryAt: Date): string {
  return `${PREFIX}${retryAt.getTime()}`;
}

export function parseSignInLocked(error: string | null | undefined): Date | null {
  if (!error?.startsWith(PREFIX)) return null;
  const ms = Number(error.slice(PREFIX.length));
  return Number.isFinite(ms) ? new Date(ms) : null;
}

/** "Too many failed sign-ins. Try again at 14:05 (in 15 minutes)." */
export function signInLockedMessage(retryAt: Date, now = new Date()): string {
  const minutes = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 60_000));
  const at = retryAt.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return `Too many failed sign-ins. Try again at ${at} (in ${minutes} minute${minutes === 1 ? "" : "s"}).`;
}
