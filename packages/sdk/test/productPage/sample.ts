import { createCuittyClient } from "@cuitty/sdk";
import { deploysPlugin } from "@cuitty/sdk/plugins/deploys";
const cuitty = createCuittyClient({
  portalUrl: "https://app.cuitty.com",
  projectId: process.env.CUITTY_PROJECT_ID!,
  apiKey: process.env.CUITTY_API_KEY!,
});
cuitty.use(deploysPlugin());
cuitty.start();
cuitty.use(
  deploysPlugin({
    provider: "github",
    repo: "cuitty/cuitty",
    token: process.env.GITHUB_TOKEN!,
    environment: "production",
    onlyCompleted: true,
  }),
);
