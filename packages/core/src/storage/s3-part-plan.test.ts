import { describe, expect, it } from "vitest";
import { putPartPlan } from "./s3-storage";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe("putPartPlan", () => {
  it("keeps 16 MiB parts, four at a time, while 9,000 of them reach", () => {
    expect(putPartPlan()).toEqual({ partSize: 16 * MiB, queueSize: 4 });
    expect(putPartPlan(100 * GiB)).toEqual({ partSize: 16 * MiB, queueSize: 4 });
  });

  it("grows parts so a 1 TiB or 5 TiB object fits in S3's 10,000 parts, memory bounded", () => {
    for (const size of [200 * GiB, 1024 * GiB, 5 * 1024 * GiB]) {
      const p = putPartPlan(size);
      expect(Math.ceil(size / p.partSize)).toBeLessThanOrEqual(10_000);
      expect(p.partSize % MiB).toBe(0);
      expect(p.partSize * p.queueSize).toBeLessThanOrEqual(1200 * MiB);
    }
    expect(putPartPlan(1024 * GiB).queueSize).toBe(2);
  });
});
