// Values the global setups hand to test files through vitest's provide/inject.
declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
    baseUrl: string;
    e2eDatabaseUrl: string;
    /** The METRICS_TOKEN the e2e web and worker serve their metrics with. */
    metricsToken: string;
  }
}

export {};
