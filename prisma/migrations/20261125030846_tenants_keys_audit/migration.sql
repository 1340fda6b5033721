-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "requestsPerMinute" INTEGER NOT NULL DEFAULT 120;

-- CreateTable
CREATE TABLE "Invitation" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "email" TEXT,
    "role" "Role" NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acceptedAt" TIMESTAMP(3),
    "acceptedBy" TEXT,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageDaily" (
    "tenantId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "kind" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,

    CONSTRAINT "UsageDaily_pkey" PRIMARY KEY ("tenantId","day","kind")
);

-- CreateTable
CREATE TABLE "RateWindow" (
    "bucket" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RateWindow_pkey" PRIMARY KEY ("bucket","windowStart")
);

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE INDEX "Invitation_tenantId_createdAt_idx" ON "Invitation"("tenantId", "createdAt");


-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AuditEvent becomes a table partitioned by month on createdAt. Monthly partitions are made ahead
-- of time by si_ensure_audit_partitions (prisma/migrate.ts and a daily worker cron job), and the
-- default partition catches anything outside them. Existing rows are carried over.
ALTER SEQUENCE "AuditEvent_id_seq" OWNED BY NONE;
ALTER TABLE "AuditEvent" RENAME TO "AuditEvent_old";
ALTER TABLE "AuditEvent_old" RENAME CONSTRAINT "AuditEvent_pkey" TO "AuditEvent_old_pkey";
DROP INDEX "AuditEvent_tenantId_seq_key";
DROP INDEX "AuditEvent_tenantId_createdAt_idx";
CREATE TABLE "AuditEvent" (
    "id" BIGINT NOT NULL DEFAULT nextval('"AuditEvent_id_seq"'),
    "tenantId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "actorId" TEXT,
    "actorType" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "ip" TEXT,
    "userAgent" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id", "createdAt")
) PARTITION BY RANGE ("createdAt");
ALTER SEQUENCE "AuditEvent_id_seq" OWNED BY "AuditEvent"."id";
CREATE TABLE "AuditEvent_default" PARTITION OF "AuditEvent" DEFAULT;
CREATE INDEX "AuditEvent_tenantId_createdAt_idx" ON "AuditEvent"("tenantId", "createdAt");
CREATE INDEX "AuditEvent_tenantId_action_createdAt_idx" ON "AuditEvent"("tenantId", "action", "createdAt");
CREATE UNIQUE INDEX "AuditEvent_tenantId_seq_createdAt_key" ON "AuditEvent"("tenantId", "seq", "createdAt");
INSERT INTO "AuditEvent" SELECT * FROM "AuditEvent_old";
DROP TABLE "AuditEvent_old";
ALTER TABLE "AuditEvent" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "AuditEvent" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "AuditEvent"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');

-- Row-level security for the new tenant-owned tables.
ALTER TABLE "Invitation" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Invitation" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Invitation"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "UsageDaily" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "UsageDaily" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "UsageDaily"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');

-- Rate-limit windows are throwaway counters.
ALTER TABLE "RateWindow" SET UNLOGGED;
