// One lint setup for the whole repo. Besides the usual rules it enforces the
// package graph: apps -> core/ui, never back; core knows no React/Next/tRPC;
// ui knows no core and no tRPC.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

const appImports = {
  group: ["@scrollintel/web", "@scrollintel/worker", "**/apps/*"],
  message: "packages never import apps",
};

export default tseslint.config(
  {
    ignores: ["**/node_modules/**", "**/.next/**", "**/generated/**", "data/**", "test-results/**", "**/next-env.d.ts"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "no-console": ["error", { allow: ["info", "error", "warn"] }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    files: ["apps/web/**/*.tsx", "packages/ui/**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn" },
  },
  {
    files: ["packages/core/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            appImports,
            {
              group: ["react", "react-dom", "next", "next/*", "@trpc/*", "@scrollintel/ui/*"],
              message: "core is UI- and transport-free",
            },
            { group: ["@duckdb/*"], message: "DuckDB lives in the worker" },
          ],
        },
      ],
    },
  },
  {
    files: ["packages/ui/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            appImports,
            {
              group: ["@scrollintel/core/*", "@trpc/*", "next-auth", "next-auth/*"],
              message: "ui is presentational: no domain, no data fetching",
            },
          ],
        },
      ],
    },
  },
  {
    // Shared values reach the browser: nothing of Node, the server, the UI or the apps.
    files: ["packages/shared/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            appImports,
            {
              group: ["node:*", "@scrollintel/core/*", "@scrollintel/ui/*", "zod", "react", "next", "next/*"],
              message: "shared is client-safe and dependency-free",
            },
          ],
        },
      ],
    },
  },
  {
    // The worker's imports are held to the same graph as the web's.
    files: ["apps/worker/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "@scrollintel/web",
                "**/apps/web/**",
                "@scrollintel/ui/*",
                "react",
                "react-dom",
                "next",
                "next/*",
                "@trpc/*",
              ],
              message: "the worker runs jobs: no web, UI or transport code",
            },
          ],
        },
      ],
    },
  },
  {
    // Client components get shared values from @scrollintel/shared, so server code (and its polyfills)
    // never lands in a browser bundle; types from core are fine, they vanish at build.
    files: ["apps/web/src/app/(app)/**/*.tsx", "apps/web/src/components/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@duckdb/*", "@scrollintel/worker", "**/apps/worker/**"],
              message: "the web never loads DuckDB or worker code",
            },
            {
              group: [
                "@scrollintel/core/services/*",
                "@scrollintel/core/db/*",
                "@scrollintel/core/api-keys",
                "@scrollintel/core/roles",
                "@scrollintel/core/bytes",
                "@scrollintel/core/ingest-status",
                "@scrollintel/core/archive-status",
                "node:*",
              ],
              allowTypeImports: true,
              message: "client code imports values from @scrollintel/shared, not server modules of core",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["apps/web/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@duckdb/*", "@scrollintel/worker", "**/apps/worker/**"],
              message: "the web never loads DuckDB or worker code",
            },
          ],
        },
      ],
    },
  },
);
