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
