import { parseConfig, type Config } from "@scrollintel/core/config";

/** The worker's one read of process.env. */
export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): Config {
  return parseConfig(env);
}
