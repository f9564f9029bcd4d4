import { defineConfig } from "drizzle-kit";

export default defineConfig({ dialect: "sqlite", schema: "./src/schema/audit.ts", out: "./migrations/audit" });
