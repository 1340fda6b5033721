-- AlterTable
ALTER TABLE "Membership" ADD COLUMN     "attributes" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "QueryRun" ADD COLUMN     "accessDigest" TEXT;

-- CreateTable
CREATE TABLE "AccessGroup" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccessGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccessGroupMember" (
    "tenantId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccessGroupMember_pkey" PRIMARY KEY ("groupId","userId")
);

-- CreateTable
CREATE TABLE "DatasetPolicy" (
    "datasetId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "policy" JSONB NOT NULL,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DatasetPolicy_pkey" PRIMARY KEY ("datasetId")
);

-- CreateTable
CREATE TABLE "MaskingKey" (
    "tenantId" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MaskingKey_pkey" PRIMARY KEY ("tenantId")
);

-- CreateIndex
CREATE UNIQUE INDEX "AccessGroup_tenantId_name_key" ON "AccessGroup"("tenantId", "name");

-- CreateIndex
CREATE INDEX "AccessGroupMember_tenantId_userId_idx" ON "AccessGroupMember"("tenantId", "userId");

-- CreateIndex
CREATE INDEX "DatasetPolicy_tenantId_idx" ON "DatasetPolicy"("tenantId");

-- AddForeignKey
ALTER TABLE "AccessGroupMember" ADD CONSTRAINT "AccessGroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "AccessGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Row-level security: each tenant sees only its own groups, policies and masking key.
ALTER TABLE "AccessGroup" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "AccessGroup" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "AccessGroup"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "AccessGroupMember" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "AccessGroupMember" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "AccessGroupMember"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "DatasetPolicy" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "DatasetPolicy" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "DatasetPolicy"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "MaskingKey" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "MaskingKey" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "MaskingKey"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
