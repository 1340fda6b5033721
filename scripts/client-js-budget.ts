// The JavaScript each route makes a browser download on first load, gzipped,
// from Next's own build output (.next/diagnostics/route-bundle-stats.json),
// against a budget. Run after `next build`: `pnpm check:client-js`.
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { formatBytes } from "@scrollintel/shared/bytes";

/** 300 kB gzipped per route (decimal kB, the stricter reading: 292.97 KiB). */
export const CLIENT_JS_BUDGET_BYTES = 300_000;

export interface RouteJs {
  route: string;
  gzipBytes: number;
  rawBytes: number;
}

/** First-load client JS per route, gzipped file by file as a server would send it, largest first. */
export function measureClientJs(webDir: string): RouteJs[] {
  const stats = path.join(webDir, ".next/diagnostics/route-bundle-stats.json");
  if (!fs.existsSync(stats)) throw new Error(`${stats} is missing: run next build first`);
  const routes = JSON.parse(fs.readFileSync(stats, "utf8")) as Array<{ route: string; firstLoadChunkPaths: string[] }>;
  const gz = new Map<string, { gzip: number; raw: number }>();
  const sizeOf = (chunk: string) => {
    let s = gz.get(chunk);
    if (!s) {
      const body = fs.readFileSync(path.join(webDir, chunk));
      s = { gzip: gzipSync(body, { level: 9 }).length, raw: body.length };
      gz.set(chunk, s);
    }
    return s;
  };
  return routes
    .map((r) => {
      const chunks = [...new Set(r.firstLoadChunkPaths.filter((c) => c.endsWith(".js")))];
      return {
        route: r.route,
        gzipBytes: chunks.reduce((n, c) => n + sizeOf(c).gzip, 0),
        rawBytes: chunks.reduce((n, c) => n + sizeOf(c).raw, 0),
      };
    })
    .sort((a, b) => b.gzipBytes - a.gzipBytes);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = measureClientJs(path.resolve(import.meta.dirname, "../apps/web"));
  for (const r of rows) {
    const flag = r.gzipBytes > CLIENT_JS_BUDGET_BYTES ? "  OVER BUDGET" : "";
    console.info(
      `${r.route.padEnd(28)} ${formatBytes(r.gzipBytes).padStart(10)} gzip  ${formatBytes(r.rawBytes).padStart(10)} raw${flag}`,
    );
  }
  const over = rows.filter((r) => r.gzipBytes > CLIENT_JS_BUDGET_BYTES);
  console.info(
    JSON.stringify({
      budgetBytes: CLIENT_JS_BUDGET_BYTES,
      largest: rows[0],
      over: over.map((r) => r.route),
    }),
  );
  if (over.length) process.exit(1);
}
