// The shape of `<data>/credentials.json` (design §8): written by the server's first start, read by the server and the CLI.
import { z } from "zod";

export const credentialsFileSchema = z.object({
  portalUrl: z.string(),
  projectId: z.string(),
  apiKey: z.string(),
});
export type CredentialsFile = z.infer<typeof credentialsFileSchema>;
