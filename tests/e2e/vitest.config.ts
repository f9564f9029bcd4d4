import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@cuitty/source"] },
  ssr: { resolve: { conditions: ["@cuitty/source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // One browser at a time: the machine has two cores.
    fileParallelism: false,
  },
});
