// `cuitty serve`: the server and dashboard on the embedded libSQL files (or a libSQL server).
import type { Command } from "@commander-js/extra-typings";
import { readEnv } from "../config.js";
import { CLIError, isMasterKeyError } from "../errors.js";
import { info, paint } from "../output.js";
import { loadServer } from "../serverPackages.js";
import { parsePort } from "./parse.js";

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("run the Deploys server and dashboard (default http://localhost:4400, data in ./.cuitty)")
    .option("-p, --port <port>", "port to listen on (env CUITTY_PORT)", parsePort)
    .option("--host <host>", "interface to bind (env CUITTY_HOST; 0.0.0.0 in a container)")
    .option("-d, --data <dir>", "data directory for the libSQL files (env CUITTY_DATA_DIR)")
    .addHelpText("after", "\nExamples:\n  cuitty serve\n  cuitty serve --port 8080 --data /var/lib/cuitty")
    .action(async (opts: { port?: number; host?: string; data?: string }) => {
      const { loadConfig, startServer } = await loadServer("`cuitty serve`");
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig(readEnv(), { port: opts.port, host: opts.host, dataDir: opts.data });
      } catch (error) {
        throw new CLIError(String((error as Error).message), "E_CONFIG");
      }
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer(config);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EADDRINUSE") {
          throw new CLIError(`port ${config.port} is already in use`, "E_CONFIG", "stop the other process or pass --port");
        }
        if (isMasterKeyError(error)) throw new CLIError(`the server could not start: ${error.message}`, "E_CONFIG", error.hint);
        throw new CLIError(`the server could not start: ${String(error)}`, "E_INTERNAL");
      }
      const { firstStart } = server;
      info(`\n  ${paint("bold", "Cuitty Deploys")} is running at ${paint("cyan", server.url)}\n`);
      if (firstStart.created) {
        info(`  First start: created a project and an admin key (shown once, also in ${firstStart.file}):`);
        info(`    CUITTY_PORTAL_URL=${firstStart.credentials.portalUrl}`);
        info(`    CUITTY_PROJECT_ID=${firstStart.credentials.projectId}`);
        info(`    CUITTY_API_KEY=${firstStart.credentials.apiKey}\n`);
      } else if (firstStart.file) {
        info(`  Credentials: ${firstStart.file}\n`);
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          info(`\n  ${signal}: finishing in-flight requests and closing the database…`);
          server.close().then(resolve, resolve);
        };
        process.once("SIGTERM", () => stop("SIGTERM"));
        process.once("SIGINT", () => stop("SIGINT"));
      });
    });
}
