import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@cuitty/source"] },
  ssr: { resolve: { conditions: ["@cuitty/source"] } },
  test: { testTimeout: 30_000, hookTimeout: 30_000 },
});
