import bcrypt from "bcryptjs";

const COST = 10;

/** `cost` below the default is for fixtures only (a benchmark's thousand users sign in fast). */
export function hashPassword(plain: string, cost = COST): Promise<string> {
  return bcrypt.hash(plain, cost);
}

export function verifyPassword(plain: string, hash: string): Promise<boolean> {
  return bcrypt.compare(plain, hash);
}
