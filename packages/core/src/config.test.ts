import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";

describe("config", () => {
  it("fills defaults for an empty environment (embedded mode)", () => {
    const c = parseConfig({});
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.STORAGE_DRIVER).toBe("local");
    expect(c.WEB_PORT).toBe(3000);
    expect(c.dataDir).toMatch(/data$/);
  });

  it("names each wrong variable", () => {
    expect(() => parseConfig({ WEB_PORT: "eighty", DATABASE_URL: "mysql://x" })).toThrow(
      /Invalid configuration:\n {2}DATABASE_URL: .*\n {2}WEB_PORT: /,
    );
  });

  it("requires an endpoint for the S3 driver", () => {
    expect(() => parseConfig({ STORAGE_DRIVER: "s3" })).toThrow(/S3_ENDPOINT: required when STORAGE_DRIVER=s3/);
  });

  it("checks DuckDB memory limits look like sizes", () => {
    expect(() => parseConfig({ DUCKDB_MEMORY_LIMIT: "lots" })).toThrow(/DUCKDB_MEMORY_LIMIT: e.g. 512MB/);
    expect(parseConfig({ DUCKDB_MEMORY_LIMIT: "512MB" }).DUCKDB_MEMORY_LIMIT).toBe("512MB");
  });

  it("treats empty strings as unset", () => {
    expect(parseConfig({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });
});
