// createCuittyClient: credentials, the signed transport, a small plugin registry and the deploy, audit and perf channels.
import {
  type AuditEntryInput,
  type DeployEventInput,
  type PerfSnapshotInput,
  MAX_BATCH_BODY_BYTES,
  MAX_BATCH_ITEMS,
  type FetchLike,
  auditEntrySchema,
  deployEventSchema,
  perfSnapshotSchema,
  zodFieldPaths,
  zodMessage,
} from "@cuitty/core";
import { Channel, type ChannelOptions, type ChannelStats, type ItemOutcome } from "./channel.js";
import { type CredentialOptions, resolveCredentials } from "./credentials.js";
import { CuittyClientError } from "./errors.js";
import { type AuditEntry, type PerfSnapshot, fillAuditEntry, fillPerfSnapshot, sendAudit, sendPerf, validItems } from "./records.js";
import { type CuittyTrpcClient, createTransport } from "./transport.js";

export interface CuittyClientOptions extends CredentialOptions {
  /** An ingest (or admin) key. Default: env CUITTY_API_KEY. */
  apiKey?: string;
  /** Items kept per channel while the portal is unreachable; the oldest is dropped beyond it. Default 10,000. */
  queueSize?: number;
  /** Events per emitBatch call (at most 500). Default 100. */
  batchSize?: number;
  /** Per-request timeout. Default 10 s. */
  requestTimeoutMs?: number;
  /** Backoff between retries: full range base·2^n, capped. Default 500 ms … 30 s. */
  retry?: { baseMs?: number; maxMs?: number };
  /** How long stop() waits for queued items. Default 5 s. */
  stopTimeoutMs?: number;
  /** Everything that went wrong and was not retried, plus plugin trouble. Default: one console.warn line. */
  onError?: (error: CuittyClientError) => void;
  /** A fetch to use instead of the global one. */
  fetch?: FetchLike;
}

/** A plugin: made by a factory that keeps its state in a closure; the client only calls these hooks. */
export interface CuittyPlugin {
  name: string;
  setup?(client: CuittyClient): void;
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
}

export interface CuittyClient {
  readonly portalUrl: string;
  readonly projectId: string;
  /** The typed, signed tRPC client, for plugins and helpers. */
  readonly trpc: CuittyTrpcClient;
  use(plugin: CuittyPlugin): CuittyClient;
  start(): CuittyClient;
  /** Queues a deploy event (id and occurredAt filled in when missing); resolves once queued, never throws for network trouble. */
  emit(event: DeployEventInput): Promise<void>;
  /** Queues audit entries (audit.record; id and occurredAt filled in when missing); never throws for network trouble. */
  audit(entries: AuditEntryInput | readonly AuditEntryInput[]): Promise<void>;
  /** Queues perf snapshots (perf.record); never throws for network trouble. */
  perf(snapshots: PerfSnapshotInput | readonly PerfSnapshotInput[]): Promise<void>;
  /** Waits until everything queued is sent (true) or the timeout passes (false). */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Stops plugins, flushes within the timeout, and reports what was left undelivered. */
  stop(opts?: { timeoutMs?: number }): Promise<{ undelivered: number }>;
  /** A new queue + batch sender for another procedure (audit, perf): flushed and stopped with the client. */
  channel<T>(name: string, send: (items: T[]) => Promise<ItemOutcome[]>): Channel<T>;
  /** Reports an error through onError (plugins use it). */
  reportError(error: CuittyClientError): void;
  stats(): Record<string, ChannelStats>;
}

function newEventId(): string {
  return `evt_${globalThis.crypto.randomUUID()}`;
}

export function createCuittyClient(options: CuittyClientOptions = {}): CuittyClient {
  const { portalUrl, projectId, apiKey } = resolveCredentials(options, "createCuittyClient");
  const onError = options.onError ?? ((e: CuittyClientError) => console.warn(`[cuitty] ${e.code}: ${e.message}`));
  const report = (error: CuittyClientError) => {
    try {
      onError(error);
    } catch {
      // The host's handler failing must not break delivery.
    }
  };
  const trpc = createTransport({ portalUrl, projectId, apiKey }, { fetch: options.fetch, timeoutMs: options.requestTimeoutMs ?? 10_000 });
  const channelDefaults: Omit<ChannelOptions<unknown>, "name" | "send"> = {
    onError: report,
    queueSize: options.queueSize ?? 10_000,
    maxBatchItems: Math.min(options.batchSize ?? 100, MAX_BATCH_ITEMS),
    maxBatchBytes: Math.floor(MAX_BATCH_BODY_BYTES * 0.9),
    retry: { baseMs: options.retry?.baseMs ?? 500, maxMs: options.retry?.maxMs ?? 30_000 },
  };
  // Whatever their item type, the client only flushes, closes and counts its channels.
  const channels = new Map<string, Pick<Channel<unknown>, "flush" | "close" | "getStats">>();
  const plugins = new Map<string, CuittyPlugin>();
  let started = false;
  let stopping: Promise<{ undelivered: number }> | undefined;

  const client: CuittyClient = {
    portalUrl,
    projectId,
    trpc,
    use(plugin) {
      if (plugins.has(plugin.name)) {
        throw new CuittyClientError("CONFIG", `plugin "${plugin.name}" is already in use on this client; use each plugin once`);
      }
      plugins.set(plugin.name, plugin);
      plugin.setup?.(client);
      if (started) void startPlugin(plugin);
      return client;
    },
    start() {
      if (started) return client;
      started = true;
      for (const plugin of plugins.values()) void startPlugin(plugin);
      return client;
    },
    async emit(event) {
      const filled = { ...event, id: event.id ?? newEventId(), occurredAt: event.occurredAt ?? Math.floor(Date.now() / 1000) };
      const parsed = deployEventSchema.safeParse(filled);
      if (!parsed.success) {
        report(
          new CuittyClientError("VALIDATION_FAILED", `deploy event refused before sending: ${zodMessage(parsed.error)}`, {
            items: [event],
            fields: zodFieldPaths(parsed.error),
          }),
        );
        return;
      }
      deploys.enqueue(parsed.data);
    },
    async audit(entries) {
      for (const entry of validItems("audit entry", auditEntrySchema, entries, fillAuditEntry, report)) audit.enqueue(entry);
    },
    async perf(snapshots) {
      for (const snapshot of validItems("perf snapshot", perfSnapshotSchema, snapshots, fillPerfSnapshot, report)) perf.enqueue(snapshot);
    },
    async flush(timeoutMs = options.stopTimeoutMs ?? 5_000) {
      const results = await Promise.all([...channels.values()].map((c) => c.flush(timeoutMs)));
      return results.every(Boolean);
    },
    stop(opts = {}) {
      return (stopping ??= (async () => {
        for (const plugin of [...plugins.values()].reverse()) {
          try {
            await plugin.stop?.();
          } catch (error) {
            report(
              new CuittyClientError("PLUGIN", `plugin ${plugin.name} failed to stop: ${String(error)}`, {
                plugin: plugin.name,
                cause: error,
              }),
            );
          }
        }
        const timeoutMs = opts.timeoutMs ?? options.stopTimeoutMs ?? 5_000;
        const left = await Promise.all([...channels.values()].map((c) => c.close(timeoutMs)));
        return { undelivered: left.reduce((a, b) => a + b, 0) };
      })());
    },
    channel<T>(name: string, send: (items: T[]) => Promise<ItemOutcome[]>) {
      if (channels.has(name)) throw new CuittyClientError("CONFIG", `channel "${name}" exists already`);
      const channel = new Channel<T>({ ...channelDefaults, name, send });
      channels.set(name, channel);
      return channel;
    },
    reportError: report,
    stats() {
      return Object.fromEntries([...channels].map(([name, c]) => [name, c.getStats()]));
    },
  };

  async function startPlugin(plugin: CuittyPlugin) {
    try {
      await plugin.start?.();
    } catch (error) {
      report(
        new CuittyClientError("PLUGIN", `plugin ${plugin.name} failed to start: ${String(error)}`, { plugin: plugin.name, cause: error }),
      );
    }
  }

  const deploys = client.channel<ReturnType<typeof deployEventSchema.parse>>("deploys", async (events) => {
    const { results } = await trpc.deploys.emitBatch.mutate({ events });
    return results;
  });
  const audit = client.channel<AuditEntry>("audit", sendAudit(trpc));
  const perf = client.channel<PerfSnapshot>("perf", sendPerf(trpc));
  return client;
}
