/** graphile-worker crontab: minute hour day month weekday task. */
export const CRONTAB = ["*/10 * * * * usage-rollup", "*/5 * * * * maintenance"].join("\n");
