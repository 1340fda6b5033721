import { ARCHIVE_DATASETS_CRON } from "./tasks/archive-datasets";
import { EXPIRE_RESULTS_CRON } from "./tasks/expire-results";
import { EXPIRE_UPLOADS_CRON } from "./tasks/expire-uploads";
import { RECONCILE_STORAGE_CRON } from "./tasks/reconcile-storage";
import { TRASH_SWEEP_CRON } from "./tasks/trash-sweep";
import { VERSION_RETENTION_CRON } from "./tasks/version-retention";

/** graphile-worker crontab: minute hour day month weekday task [options]. */
export const CRONTAB = [
  "*/10 * * * * usage-rollup",
  "*/5 * * * * maintenance",
  EXPIRE_UPLOADS_CRON,
  ARCHIVE_DATASETS_CRON,
  RECONCILE_STORAGE_CRON,
  EXPIRE_RESULTS_CRON,
  TRASH_SWEEP_CRON,
  VERSION_RETENTION_CRON,
].join("\n");
