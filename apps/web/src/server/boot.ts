import "server-only";
import { issueSetupLink } from "@scrollintel/core/services/setup-service";
import { authSecret, webConfig } from "@/env";
import { services } from "@/server/services";

/**
 * A web server refuses to start with a configuration it must not run with
 * (in production: a missing, published or short NEXTAUTH_SECRET), saying why
 * in one sentence. Then, with BOOTSTRAP_ADMIN_EMAIL set and no platform admin
 * yet, it prints the one-time setup link for that admin.
 */
export async function checkWebStart(): Promise<void> {
  let config;
  try {
    config = webConfig();
    authSecret();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\nThe web server will not start.\n`);
    process.exit(1);
  }
  const email = config.BOOTSTRAP_ADMIN_EMAIL;
  if (!email || !config.DATABASE_URL) return;
  const { db, log } = services();
  try {
    const appUrl = config.NEXTAUTH_URL ?? `http://localhost:${config.WEB_PORT}`;
    const link = await issueSetupLink(db, { email, appUrl });
    if (link) {
      log.warn(
        { setupLinkExpiresAt: link.expiresAt.toISOString() },
        `No platform admin yet. To create ${email}, open this one-time link before ${link.expiresAt.toISOString()}: ${link.url}`,
      );
    }
  } catch (e) {
    log.error({ err: e }, "could not issue the platform admin setup link; restart the web server to try again");
  }
}
