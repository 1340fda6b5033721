// A local put is durable when it returns: the object's bytes are synced
// before its name points at them, and its directory after the rename. An
// object another writer made (tus) is synced with its directory by settle.
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { LocalStorage } from "./local-storage";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "local-storage-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** The syncs and renames under `root`, in order, with temp names shortened to `.tmp`. */
function recordSteps(): string[] {
  const steps: string[] = [];
  const open = fsp.open.bind(fsp);
  vi.spyOn(fsp, "open").mockImplementation(async (p, flags) => {
    const fh = await open(p, flags);
    const sync = fh.sync.bind(fh);
    fh.sync = async () => {
      steps.push(`sync ${path.relative(root, String(p)).replace(/\.tmp-[0-9a-f]+$/, ".tmp")}`);
      await sync();
    };
    return fh;
  });
  const rename = fsp.rename.bind(fsp);
  vi.spyOn(fsp, "rename").mockImplementation(async (from, to) => {
    steps.push(`rename to ${path.relative(root, String(to))}`);
    await rename(from, to);
  });
  return steps;
}

describe("LocalStorage.put", () => {
  it("syncs the bytes before the rename and the directory after it", async () => {
    const steps = recordSteps();
    const s = new LocalStorage(root);
    await s.put("t1/segments/a.ndjson", Readable.from([Buffer.from('{"a":1}\n')]));
    expect(steps).toEqual(["sync t1/segments/a.ndjson.tmp", "rename to t1/segments/a.ndjson", "sync t1/segments"]);
    expect(fs.readFileSync(path.join(root, "t1/segments/a.ndjson"), "utf8")).toBe('{"a":1}\n');
  });
});

describe("LocalStorage.settle", () => {
  it("syncs an object another writer made (a tus upload) and its directory", async () => {
    fs.mkdirSync(path.join(root, "t1/uploads"), { recursive: true });
    fs.writeFileSync(path.join(root, "t1/uploads/u1"), "a,b\n1,2\n");
    const steps = recordSteps();
    await new LocalStorage(root).settle("t1/uploads/u1");
    expect(steps).toEqual(["sync t1/uploads/u1", "sync t1/uploads"]);
  });
});
