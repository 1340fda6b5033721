// The query API as an integration uses it, over real HTTP against the running
// web + worker: tRPC with the session cookie, then the download route, also
// from the attacker's side.
import { beforeAll, describe, expect, inject, it } from "vitest";
import "../../../test/provided-context";
import { signInCookie } from "../../../test/e2e-session";

const baseUrl = inject("baseUrl");
let acme = "";
let globex = "";

async function mutation<T>(cookie: string, procedure: string, input: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ json: input }),
  });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: { json: { message: string } } };
  if (!body.result) throw new Error(`${procedure}: ${body.error?.json.message ?? res.status}`);
  return body.result.data.json;
}

async function query<T>(cookie: string, procedure: string, input: unknown): Promise<T> {
  const q = encodeURIComponent(JSON.stringify({ json: input }));
  const res = await fetch(`${baseUrl}/api/trpc/${procedure}?input=${q}`, { headers: { cookie } });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: { json: { message: string } } };
  if (!body.result) throw new Error(`${procedure}: ${body.error?.json.message ?? res.status}`);
  return body.result.data.json;
}

const download = (cookie: string, id: string, format: string) =>
  fetch(`${baseUrl}/api/queries/${id}/download?format=${format}`, { headers: { cookie } });

beforeAll(async () => {
  acme = await signInCookie(baseUrl, "analyst@acme.test");
  globex = await signInCookie(baseUrl, "analyst@globex.test");
});

describe("query API and downloads", () => {
  let id = "";

  it("runs a query through tRPC over HTTP and waits for it", async () => {
    const run = await mutation<{ id: string; status: string; previewRows: unknown[] }>(acme, "query.run", {
      sql: "SELECT range AS n, range * 2 AS twice FROM range(3000)",
      waitMs: 30_000,
      cache: false,
    });
    expect(run.status).toBe("SUCCEEDED");
    expect(run.previewRows).toHaveLength(1000);
    id = run.id;
  });

  it("streams the stored result as Parquet to its tenant only", async () => {
    const res = await download(acme, id, "parquet");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="query-${id}.parquet"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 4).toString()).toBe("PAR1");
    expect((await download(globex, id, "parquet")).status).toBe(404);
    expect((await download("", id, "parquet")).status).toBe(401);
  });

  it("serves CSV only after the worker wrote it, then the whole result", async () => {
    expect((await download(acme, id, "csv")).status).toBe(409);
    const exp = await mutation<{ status: string; url: string }>(acme, "query.export", {
      id,
      format: "csv",
      waitMs: 30_000,
    });
    expect(exp).toMatchObject({ status: "READY", url: `/api/queries/${id}/download?format=csv` });
    const res = await fetch(`${baseUrl}${exp.url}`, { headers: { cookie: acme } });
    const csv = (await res.text()).trim().split("\n");
    expect(csv[0]).toBe("n,twice");
    expect(csv).toHaveLength(3001);
    expect(csv.at(-1)).toBe("2999,5998");
    await expect(mutation(globex, "query.export", { id, format: "csv", waitMs: 0 })).rejects.toThrow(/not found/);
  });

  it("reads a page past the preview, sorted, through the worker", async () => {
    const page = await query<{ status: string; rows: { n: string }[] }>(acme, "query.page", {
      id,
      page: 5,
      sort: { column: "n", desc: true },
      waitMs: 30_000,
    });
    expect(page.status).toBe("READY");
    expect(page.rows[0]!.n).toBe(String(3000 - 1 - 5 * 500));
  });

  it("does the same with an API key: run, wait, download", async () => {
    const owner = await signInCookie(baseUrl, "owner@acme.test");
    const { key } = await mutation<{ key: string }>(owner, "apiKey.create", { name: "bi tool", scopes: ["query"] });
    const bearer = { authorization: `Bearer ${key}` };
    const res = await fetch(`${baseUrl}/api/trpc/query.run`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer },
      body: JSON.stringify({ json: { sql: "SELECT 7 AS seven", waitMs: 30_000 } }),
    });
    const run = ((await res.json()) as { result: { data: { json: { id: string; status: string } } } }).result.data.json;
    expect(run.status).toBe("SUCCEEDED");
    const file = await fetch(`${baseUrl}/api/queries/${run.id}/download?format=parquet`, { headers: bearer });
    expect(file.status).toBe(200);
    expect(
      Buffer.from(await file.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe("PAR1");
    const other = await fetch(`${baseUrl}/api/queries/${run.id}/download?format=parquet`, {
      headers: { authorization: "Bearer si_000000000000_nope" },
    });
    expect(other.status).toBe(401);
  });
});
