import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** A file of random bytes in `dir` and its SHA-256, for byte-identical upload checks. */
export function makeRandomFile(dir: string, bytes: number, ext = ".csv"): { file: string; sha: string } {
  const data = randomBytes(bytes);
  const file = path.join(dir, `f-${randomBytes(4).toString("hex")}${ext}`);
  fs.writeFileSync(file, data);
  return { file, sha: createHash("sha256").update(data).digest("hex") };
}
