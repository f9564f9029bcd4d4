import { defineConfig } from "drizzle-kit";

export default defineConfig({ dialect: "sqlite", schema: "./src/schema/deploys.ts", out: "./migrations/deploys" });
