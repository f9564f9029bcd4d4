// The tests run the built binary, as users do; they never build it themselves (turbo's test task depends on build).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
  if (!existsSync(main)) {
    throw new Error(
      `${main} does not exist: build the CLI first (cd /work/main && pnpm exec turbo run build --filter=@cuitty/cli...), or run its tests through turbo`,
    );
  }
}
