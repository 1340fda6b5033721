import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { renderDoc } from "@/server/docs/render-doc";

// Rendered per request like every page behind sign-in: a static page would have
// baked the signed-out redirect of the layout into the build.
export const dynamic = "force-dynamic";

/** The integration guide from docs/integrations.md, rendered, for integrators. */
export default async function IntegrationsDocPage() {
  const html = await renderDoc("integrations");
  return (
    <Card>
      <CardHeader title="Integration guide" description="tRPC and uploads with an API key" />
      <CardBody>
        <article className="doc-prose" data-testid="doc-body" dangerouslySetInnerHTML={{ __html: html }} />
      </CardBody>
    </Card>
  );
}
