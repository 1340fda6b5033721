// DATA_DIR/run.json: what the running start script runs right now (pids and
// ports), for operators, the supervision tests and `pnpm bench:recovery`.
import fs from "node:fs";
import path from "node:path";

export const RUN_FILE = "run.json";

export interface RunInfo {
  pid: number;
  url: string;
  webPort: number;
  workerHealthPort: number;
  postgresPort: number | null;
  pids: Record<string, number | undefined>;
}

export function writeRunFile(dataDir: string, info: RunInfo): void {
  const file = path.join(dataDir, RUN_FILE);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(info, null, 2));
  fs.renameSync(`${file}.tmp`, file); // readers never see half a file
}

export function readRunFile(dataDir: string): RunInfo | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, RUN_FILE), "utf8")) as RunInfo;
  } catch {
    return null;
  }
}

export function removeRunFile(dataDir: string): void {
  fs.rmSync(path.join(dataDir, RUN_FILE), { force: true });
}
