// Plain JavaScript on purpose: `next start` transpiles a next.config.ts with
// SWC, which loads its ~25 MiB native binary into every production server.

/** @type {import("next").NextConfig} */
const nextConfig = {
  // Internal packages are used from source (no build step of their own).
  transpilePackages: ["@scrollintel/core", "@scrollintel/ui"],
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
  ],
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: true }, // `pnpm typecheck` runs tsc once for the whole repo
};

export default nextConfig;
