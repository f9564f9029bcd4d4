// Starts Deploys: opens the databases, creates first credentials, listens, and shuts down cleanly.
import type { AddressInfo } from "node:net";
import type { ApiHooks, Logger, TransitionNotice } from "@cuitty/api";
import { type Database, openDatabase } from "@cuitty/db";
import type { ServerConfig } from "./config.js";
import { ensureFirstProject } from "./credentials.js";
import { type ExtraRoute, createHttpServer } from "./httpServer.js";
import { crashAfter } from "./crashPoint.js";
import { createLogger } from "./logger.js";
import { resolveDashboardDir } from "./staticFiles.js";
import { defaultExtensions } from "./extensions.js";
import { prometheusRegression } from "./prometheus/prometheusRegression.js";
import { type OutboundFetch, createOutboundFetch } from "./outboundFetch.js";

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  log: Logger;
  firstStart: Awaited<ReturnType<typeof ensureFirstProject>>;
  /** Stops accepting, lets in-flight requests finish, stops workers, closes the database. */
  close(): Promise<void>;
}

/** A background part of the server (health checks, outbound events) that hears every transition. */
export interface ServerExtension {
  name: string;
  onTransition?(notice: TransitionNotice): void;
  /** Look for due work now (another extension queued some outside a transition notice). */
  wake?(): void;
  routes?: Record<string, ExtraRoute>;
  stop?(): Promise<void>;
}
export type ExtensionFactory = (ctx: {
  db: Database;
  log: Logger;
  config: ServerConfig;
  /** Tells every extension about a transition an extension itself applied (e.g. from a webhook). */
  hooks: ApiHooks;
  /** Wakes every extension's worker: work was queued outside a transition notice (an auto-rollback's hook calls). */
  wake: () => void;
  /** Every outbound request goes through this: it refuses targets the outbound policy forbids, after DNS. */
  outbound: OutboundFetch;
}) => ServerExtension;

export async function startServer(
  config: ServerConfig,
  options: { extensions?: ExtensionFactory[]; log?: Logger } = {},
): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const db = await openDatabase({
    dataDir: config.dataDir,
    url: config.databaseUrl,
    authToken: config.databaseAuthToken,
    synchronous: config.synchronous,
    onModeTightened: (message, fields) => log.warn(message, fields),
    masterKeys: config.masterKeys,
    onSecretsResealed: (count, keyId) =>
      log.info(keyId ? "encrypted stored secrets with the master key" : "decrypted stored secrets (no master key set)", {
        count,
        masterKeyId: keyId,
      }),
  });
  const extensions: ServerExtension[] = [];
  const crash = crashAfter(config.testCrashAfter);
  const hooks: ApiHooks = {
    onTransition: (notice) => {
      crash("transition"); // the transition has committed; nothing else has happened yet
      for (const ext of extensions) {
        try {
          ext.onTransition?.(notice);
        } catch (error) {
          log.error("extension failed", { extension: ext.name, error: String(error) });
        }
      }
    },
    regression: (projectId, input) => prometheusRegression(db, projectId, input, { fetch: outbound }),
  };
  const outbound = createOutboundFetch(config.outboundPolicy);
  const wake = () => {
    for (const ext of extensions) ext.wake?.();
  };
  for (const make of options.extensions ?? defaultExtensions) extensions.push(make({ db, log, config, hooks, wake, outbound }));
  const server = createHttpServer({
    db,
    log,
    hooks,
    rateLimit: config.rateLimit,
    outboundPolicy: config.outboundPolicy,
    addressRateLimit: config.addressRateLimit,
    dashboardDir: resolveDashboardDir(config.dashboardDir),
    routes: Object.assign({}, ...extensions.map((e) => e.routes ?? {})),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = config.host === "127.0.0.1" || config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const url = config.publicUrl ?? `http://${shownHost}:${port}`;
  const firstStart = await ensureFirstProject(db, db.dataDir, url);
  log.info("listening", { url, data: db.location, synchronous: config.synchronous });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    db,
    log,
    firstStart,
    close: () =>
      (closing ??= (async () => {
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // In-flight requests get a few seconds to finish before their sockets are cut.
        const force = setTimeout(() => server.closeAllConnections(), 5_000);
        await done;
        clearTimeout(force);
        for (const ext of extensions) await ext.stop?.();
        await outbound.close();
        db.close();
        log.info("stopped", {});
      })()),
  };
}
