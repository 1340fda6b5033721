// Reading options chosen at upload travel to the version the upload becomes;
// an append's options apply over the dataset's, keeping its column overrides.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, ctxOf, type TestUser } from "../../../../test/factories";
import { createTestDb, type TestDb } from "../../../../test/test-db";
import { parseIngestOptions } from "../ingest-options";
import { createUpload, finishUpload, parseUploadOptions } from "./upload-service";

let t: TestDb;
let analyst: TestUser;

beforeAll(async () => {
  t = await createTestDb();
  analyst = await createMember(t.db, await createTenant(t.db), "ANALYST");
});
afterAll(() => t.drop());

async function upload(options?: object, appendTo?: string) {
  const ctx = ctxOf(analyst);
  const u = await createUpload(t.db, ctx, {
    filename: "a.csv",
    sizeBytes: 10n,
    appendToDatasetId: appendTo,
    options: parseUploadOptions(options ? JSON.stringify(options) : undefined),
  });
  const { datasetId } = await finishUpload(t.db, ctx, { uploadId: u.uploadId, storedBytes: 10n });
  const v = await t.db.datasetVersion.findFirstOrThrow({ where: { datasetId }, orderBy: { version: "desc" } });
  return { datasetId, options: parseIngestOptions(v.options) };
}

describe("reading options at upload", () => {
  it("reads the first version with the options sent in the upload metadata", async () => {
    const { options } = await upload({ encoding: "windows-1252", delimiter: ";", jsonLayout: "document" });
    expect(options).toMatchObject({ encoding: "windows-1252", delimiter: ";", jsonLayout: "document" });
    expect((await upload()).options.encoding).toBe("auto");
  });

  it("refuses options that do not validate, naming the option", () => {
    expect(() => parseUploadOptions('{"encoding":"klingon"}')).toThrow(/encoding: an encoding TextDecoder knows/);
    expect(() => parseUploadOptions('{"maxLineBytes":5}')).toThrow(/maxLineBytes/);
    expect(() => parseUploadOptions("not json")).toThrow(/JSON object/);
  });

  it("applies an append's reading options over the dataset's, keeping its column overrides", async () => {
    const columns = [{ name: "Zip Code", rename: "zip" }];
    const first = await upload({ delimiter: ";", columns, badRows: "skip" });
    const appended = await upload(
      { encoding: "utf-16le", delimiter: ";", columns: [], badRows: "skip" },
      first.datasetId,
    );
    expect(appended.options).toMatchObject({ encoding: "utf-16le", delimiter: ";", badRows: "skip", columns });
    const plain = await upload(undefined, first.datasetId);
    expect(plain.options).toMatchObject({ encoding: "utf-16le", columns }); // as the dataset read last
  });
});
