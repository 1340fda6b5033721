import { parseConfig, productionSecretProblem, type Config } from "@scrollintel/core/config";

let cached: Config | undefined;

/** The web's one read of process.env, validated on first use (at boot via instrumentation). */
export function webConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Only for development and tests: a production server refuses it (productionSecretProblem). */
const DEV_SECRET = "scrollintel-dev-secret-change-me";

export function authSecret(): string {
  const c = webConfig();
  if (c.NODE_ENV === "production") {
    const problem = productionSecretProblem(c.NEXTAUTH_SECRET);
    if (problem) throw new Error(`Invalid configuration:\n  ${problem}`);
  }
  return c.NEXTAUTH_SECRET ?? DEV_SECRET;
}
