import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  // `?? ""`, not env(): generate must work with DATABASE_URL unset.
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
