// @cuitty/sdk: the client applications and services use to report deploys (docs/design.md §9); plugins add providers.
export { createCuittyClient, type CuittyClient, type CuittyClientOptions, type CuittyPlugin } from "./client.js";
export { CuittyClientError } from "./errors.js";
export { Channel, type ChannelStats, type ItemOutcome } from "./channel.js";
export { BoundedQueue } from "./queue.js";
export { createCuittyTrpcClient, type CuittyTrpcClientOptions } from "./trpcClient.js";
export type { CuittyTrpcClient } from "./transport.js";
export type { AuditEntryInput, DeployEventInput, PerfSnapshotInput } from "@cuitty/core";
export { type CuittyErrorData, type CuittyRefusal, cuittyErrorOf, isCuittyError } from "@cuitty/core";
export type { CuittyClientErrorCode } from "./errors.js";
