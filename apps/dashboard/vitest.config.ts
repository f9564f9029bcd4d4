import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@cuitty/source"] },
  ssr: { resolve: { conditions: ["@cuitty/source"] } },
  test: {
    // Unit tests only; the browser tests live in tests/e2e (@cuitty/e2e), which depends on the server and this package.
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
