import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@cuitty/source"] },
  ssr: { resolve: { conditions: ["@cuitty/source"] } },
  // Builds nothing: globalSetup only checks that dist/main.js exists (turbo's test task depends on build).
  test: {
    testTimeout: 120_000,
    hookTimeout: 30_000,
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
  },
});
