// `prisma generate` without the network: Prisma's CLI wants a schema-engine
// binary it would download, but generate never runs it, so any existing file
// will do (docs/stack-notes.md, "Prisma offline").
import { spawnSync } from "node:child_process";

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
const r = spawnSync("pnpm", ["exec", "prisma", "generate"], { stdio: "inherit", env });
process.exit(r.status ?? 1);
