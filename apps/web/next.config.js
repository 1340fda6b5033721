// Plain JavaScript on purpose: `next start` transpiles a next.config.ts with
// SWC, which loads its ~25 MiB native binary into every production server.
import { API_CSP, SECURITY_HEADERS } from "./security-headers.js";

/** @type {import("next").NextConfig} */
const nextConfig = {
  // Internal packages are used from source (no build step of their own).
  transpilePackages: ["@scrollintel/core", "@scrollintel/shared", "@scrollintel/ui"],
  // Native addons and Node-only servers must not be bundled.
  serverExternalPackages: [
    "@duckdb/node-api",
    "@duckdb/node-bindings",
    "pino",
    "@tus/server",
    "@tus/file-store",
    "@tus/s3-store",
    "pg",
    "bcryptjs",
    "prom-client",
    "@opentelemetry/api",
    "@opentelemetry/sdk-trace-node",
    "@opentelemetry/sdk-trace-base",
    "@opentelemetry/exporter-trace-otlp-http",
    "@opentelemetry/resources",
  ],
  poweredByHeader: false,
  // Pages get their nonce CSP from src/proxy.ts; the proxy stays off /api, because it would
  // buffer (and cut at 10 MB) request bodies such as tus PATCHes.
  async headers() {
    return [
      { source: "/:path*", headers: SECURITY_HEADERS },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
    ];
  },
  typescript: { ignoreBuildErrors: true }, // `pnpm typecheck` runs tsc once for the whole repo
};

export default nextConfig;
