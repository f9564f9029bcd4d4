// Vite build of the dashboard; `vite dev` proxies the API to a local server on :4400.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  // Workspace packages are consumed from source, as typecheck and vitest do.
  resolve: { conditions: ["@cuitty/source", "browser", "module", "import", "default"] },
  server: {
    proxy: { "/trpc": { target: "http://localhost:4400", changeOrigin: false } },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
    rollupOptions: {
      // @cuitty/core's modules only declare constants and functions: let unused zod schemas drop out of the bundle.
      treeshake: { moduleSideEffects: (id: string) => !id.includes("/packages/core/src/") },
    },
  },
});
