// Inputs that cannot be stored or compared must be a 400 naming the field,
// never a 500. Walks every procedure of the router and, from its zod input
// schema, every string, number and bigint field (optional ones included), and
// sends each a NUL byte, a lone surrogate or an out-of-range value as the
// owner (and platform admin) of the tenant the ids belong to, so nothing but
// the bad value stands between the request and the database.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, createTenant, type TestUser } from "../../../../../test/factories";
import {
  callByPath,
  makeTargets,
  PROCEDURE_CALLS,
  sampleInput,
  type Targets,
} from "../../../../../test/procedure-calls";
import { createTestDb, type TestDb } from "../../../../../test/test-db";
import { callerFor, PROCEDURES } from "../../../../../test/trpc-caller";

let t: TestDb;
let owner: TestUser;
let targets: Targets;

beforeAll(async () => {
  t = await createTestDb();
  owner = await createMember(t.db, await createTenant(t.db, { slug: "acme" }), "OWNER");
  targets = await makeTargets(t.db, owner);
});
afterAll(() => t.drop());

type Key = string | number;
interface Leaf {
  path: Key[];
  type: "string" | "number" | "bigint";
}
interface ZodDef {
  type: string;
  shape?: Record<string, { _zod: { def: ZodDef } }>;
  innerType?: { _zod: { def: ZodDef } };
  element?: { _zod: { def: ZodDef } };
  in?: { _zod: { def: ZodDef } };
  options?: { _zod: { def: ZodDef } }[];
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "nonoptional", "readonly", "catch"]);

/** Every string-, number- and bigint-typed field a zod (v4) schema accepts, by path. */
function leavesOf(def: ZodDef, path: Key[], out: Leaf[]): Leaf[] {
  if (def.type === "object") for (const [k, s] of Object.entries(def.shape!)) leavesOf(s._zod.def, [...path, k], out);
  else if (WRAPPERS.has(def.type)) leavesOf(def.innerType!._zod.def, path, out);
  else if (def.type === "array") leavesOf(def.element!._zod.def, [...path, 0], out);
  else if (def.type === "pipe") leavesOf(def.in!._zod.def, path, out);
  else if (def.type === "union") for (const o of def.options!) leavesOf(o._zod.def, path, out);
  else if (def.type === "enum" || def.type === "string") out.push({ path, type: "string" });
  else if (def.type === "number" || def.type === "bigint") out.push({ path, type: def.type });
  return out;
}

function inputLeaves(path: string): Leaf[] {
  const inputs = (PROCEDURES[path]!._def as unknown as { inputs: { _zod: { def: ZodDef } }[] }).inputs;
  const leaves = inputs.flatMap((s) => leavesOf(s._zod.def, [], []));
  return leaves.filter((l, i) => leaves.findIndex((m) => m.path.join(".") === l.path.join(".")) === i);
}

/** A copy of `input` with `value` at `path`, creating what is missing on the way. */
function withValue(input: unknown, path: Key[], value: unknown): unknown {
  const root = structuredClone(input ?? {}) as Record<Key, unknown>;
  let cur = root;
  path.forEach((k, i) => {
    if (i === path.length - 1) cur[k] = value;
    else {
      cur[k] ??= typeof path[i + 1] === "number" ? [] : {};
      cur = cur[k] as Record<Key, unknown>;
    }
  });
  return root;
}

const fieldName = (path: Key[]) =>
  path
    .map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`))
    .join("")
    .replace(/^\./, "");

const BAD: Record<Leaf["type"], { label: string; value: unknown; names?: string }[]> = {
  string: [
    { label: "a NUL byte", value: "bad\0value", names: "contains a NUL byte" },
    { label: "a lone surrogate", value: "bad\uD800value", names: "contains a lone UTF-16 surrogate" },
  ],
  number: [
    { label: "2^63", value: 2 ** 63 },
    { label: "a fraction", value: 1.5 },
    { label: "a negative", value: -1 },
  ],
  bigint: [
    { label: "2^63", value: 2n ** 63n },
    { label: "a negative", value: -1n },
  ],
};

async function expectBadRequest(path: string, input: unknown, names: string): Promise<void> {
  const api = callerFor(t.db, owner, { platformAdmin: true });
  const err = await callByPath(api, path, input).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `${path} accepted it`).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code, `${path}: ${(err as Error).message}`).toBe("BAD_REQUEST");
  expect((err as TRPCError).message).toContain(names);
}

describe("inputs that cannot be stored are 400 naming the field, on every procedure", () => {
  it("has an entry for every procedure, and finds the fields the issue names", () => {
    expect(Object.keys(PROCEDURE_CALLS).sort()).toEqual(Object.keys(PROCEDURES).sort());
    const fields = (p: string) => inputLeaves(p).map((l) => fieldName(l.path));
    expect(fields("savedQuery.create")).toContain("name");
    expect(fields("apiKey.create")).toContain("name");
    expect(fields("query.run")).toContain("sql");
    expect(fields("dataset.rejects")).toContain("cursor");
  });

  for (const path of Object.keys(PROCEDURES)) {
    it(`${path}: every string, number and bigint field`, async () => {
      const sample = await sampleInput(path, targets);
      for (const leaf of inputLeaves(path)) {
        const field = fieldName(leaf.path);
        for (const bad of BAD[leaf.type]) {
          const names = bad.names ? `${field}: ${bad.names}` : field;
          await expectBadRequest(path, withValue(sample, leaf.path, bad.value), names);
        }
      }
    });
  }

  it("dataset.rejects: a cursor past 2^63 - 1, negative or not an integer is refused; 2^63 - 1 is a valid page", async () => {
    const api = callerFor(t.db, owner);
    for (const cursor of ["9223372036854775808", "9999999999999999999", "-1", "1.5", "1e3"]) {
      await expectBadRequest("dataset.rejects", { versionId: targets.versionId, cursor }, "cursor: must be");
    }
    const page = await api.dataset.rejects({ versionId: targets.versionId, cursor: "9223372036854775807" });
    expect(page).toBeDefined();
  });
});
