import { EXPIRE_UPLOADS_CRON } from "./tasks/expire-uploads";

/** graphile-worker crontab: minute hour day month weekday task [options]. */
export const CRONTAB = ["*/10 * * * * usage-rollup", "*/5 * * * * maintenance", EXPIRE_UPLOADS_CRON].join("\n");
