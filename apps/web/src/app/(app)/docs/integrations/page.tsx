import fs from "node:fs/promises";
import path from "node:path";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";

export const dynamic = "force-static";

/** The integration guide from docs/integrations.md, shown in the app for integrators. */
export default async function IntegrationsDocPage() {
  const text = await fs.readFile(path.join(process.cwd(), "../../docs/integrations.md"), "utf8");
  return (
    <Card>
      <CardHeader title="Integration guide" description="tRPC and uploads with an API key" />
      <CardBody>
        <pre className="whitespace-pre-wrap font-mono text-xs leading-relaxed text-slate-800">{text}</pre>
      </CardBody>
    </Card>
  );
}
