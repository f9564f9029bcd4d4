// The product page's "Drop-in plugin" snippet below the line, on the client its first sample makes above it.
import { createCuittyClient } from "@cuitty/sdk";
const cuitty = createCuittyClient({
  portalUrl: "https://app.cuitty.com",
  projectId: process.env.CUITTY_PROJECT_ID!,
  apiKey: process.env.CUITTY_API_KEY!,
});
cuitty.start();
// ---- verbatim from the product page ----
import { deploysPlugin } from "@cuitty/sdk/plugins/deploys";
cuitty.use(
  deploysPlugin({
    provider: "github",
    repo: "cuitty/cuitty",
    token: process.env.GITHUB_TOKEN!,
  }),
);
