import { parseConfig, type Config } from "@scrollintel/core/config";

let cached: Config | undefined;

/** The web's one read of process.env, validated on first use (at boot via instrumentation). */
export function webConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

export function authSecret(): string {
  const c = webConfig();
  if (c.NEXTAUTH_SECRET) return c.NEXTAUTH_SECRET;
  if (c.NODE_ENV === "production") {
    throw new Error("Invalid configuration:\n  NEXTAUTH_SECRET: required in production");
  }
  return "scrollintel-dev-secret-change-me";
}
