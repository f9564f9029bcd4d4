// POST /webhooks/github: verifies X-Hub-Signature-256 with the project's secret, dedupes deliveries, and
// applies workflow_run / deployment_status through the same mapping and write path as the API.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type CuittyCode,
  CuittyError,
  HTTP_STATUS_BY_CODE,
  HEADER_PROJECT,
  type DeployEventInput,
  type GithubDeploymentStatusPayload,
  type GithubRun,
  deployEventSchema,
  environmentName,
  githubDeploymentStatusToEvents,
  githubRunToEvents,
  withCompareCommits,
} from "@cuitty/core";
import { type Database, applyDeployEvent, currentDeploys, getProject } from "@cuitty/db";
import type { ApiHooks, Logger, RateLimits } from "@cuitty/api";
import { BodyTooLargeError, readBody } from "../readBody.js";
import type { GithubCompareClient } from "./githubCompareClient.js";

/**
 * GitHub caps payloads at 25 MB for the sake of push events with many commits; workflow_run and deployment_status
 * deliveries are 9 to 20 KB (@octokit/webhooks-examples), so 1 MiB leaves 50 times that for long commit messages.
 */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;
/** What is read at all; any other event is acknowledged (202) from its headers, body unread. */
const HANDLED_EVENTS = new Set(["workflow_run", "deployment_status", "ping"]);
const REMEMBERED_DELIVERIES = 5_000;

/** True when `header` is `sha256=<hex>` of HMAC-SHA256(secret, body); constant-time. */
export function verifyGithubSignature(secret: string, body: Uint8Array, header: string | undefined): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const given = Buffer.from(header.slice(7), "hex");
  const expected = createHmac("sha256", secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function refuse(res: ServerResponse, code: CuittyCode, message: string, headers: Record<string, string> = {}): void {
  const httpStatus = HTTP_STATUS_BY_CODE[code];
  res.writeHead(httpStatus, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ error: { message, data: { cuittyCode: code, httpStatus } } }));
}

/** Closing the connection leaves an unread body unread instead of draining it. */
const UNREAD = { connection: "close" };

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/**
 * The fields of a workflow_run or deployment_status delivery the mapping reads. The delivery is signed by GitHub, so
 * its fields are taken to have GitHub's types; the events made from it are checked by deployEventSchema before a write.
 */
type GithubDelivery = {
  repository?: { full_name?: unknown } | null;
  sender?: { login?: string } | null;
  workflow_run?: GithubRun | null;
} & Partial<GithubDeploymentStatusPayload>;

/** The events a delivery stands for; none for events and actions outside the lifecycle. */
function eventsOf(name: string, parsed: unknown, environment: string): DeployEventInput[] {
  const payload = (parsed ?? {}) as GithubDelivery;
  const repo = payload.repository?.full_name;
  if (typeof repo !== "string")
    throw new CuittyError("VALIDATION_FAILED", "payload has no repository.full_name", { fields: ["repository.full_name"] });
  if (name === "workflow_run" && payload.workflow_run) {
    return githubRunToEvents(payload.workflow_run, { repo, environment, fallbackActor: payload.sender?.login });
  }
  if (name === "deployment_status" && payload.deployment_status && payload.deployment) {
    return githubDeploymentStatusToEvents(
      { deployment_status: payload.deployment_status, deployment: payload.deployment },
      { repo, environment },
    );
  }
  return [];
}

/**
 * What a go-live ships: compare from the environment's current deploy's commit (the previous live one) to this
 * one; the head commit when there is none or GitHub cannot answer.
 */
async function withShippedCommits(
  db: Database,
  github: GithubCompareClient | undefined,
  projectId: string,
  repo: string,
  event: DeployEventInput,
): Promise<DeployEventInput> {
  if (event.status !== "live" || !event.commitSha) return event;
  const current = (await currentDeploys(db, projectId)).find((c) => c.environment === event.environment)?.deploy;
  const base = current && current.externalKey !== event.deploy ? current.commitSha : null;
  if (base && base === event.commitSha) return event;
  const compare = base && github ? await github.compare(repo, base, event.commitSha) : undefined;
  return withCompareCommits(event, compare);
}

export function createGithubWebhookRoute(ctx: {
  db: Database;
  log: Logger;
  hooks?: ApiHooks;
  now?: () => number;
  github?: GithubCompareClient;
}) {
  const delivered = new Set<string>();
  const now = ctx.now ?? (() => Math.floor(Date.now() / 1000));

  return async function githubWebhook(req: IncomingMessage, res: ServerResponse, url: URL, limits: RateLimits): Promise<void> {
    // Everything the headers can settle is settled before a byte of the body is read.
    if (req.method !== "POST") {
      return refuse(res, "METHOD_NOT_ALLOWED", "POST a GitHub webhook delivery here", { allow: "POST", ...UNREAD });
    }
    const projectId = url.searchParams.get("project") ?? (req.headers[HEADER_PROJECT] as string | undefined);
    if (!projectId) return refuse(res, "VALIDATION_FAILED", "name the project: /webhooks/github?project=<projectId>", UNREAD);
    const signature = req.headers["x-hub-signature-256"];
    if (typeof signature !== "string" || !/^sha256=[0-9a-f]{64}$/.test(signature)) {
      return refuse(res, "BAD_SIGNATURE", "X-Hub-Signature-256 is missing or malformed; set a secret on the GitHub webhook", UNREAD);
    }
    const name = String(req.headers["x-github-event"] ?? "");
    if (!HANDLED_EVENTS.has(name))
      return answer(res, 202, { ok: true, results: [], ignored: `${name || "an unnamed event"} is not mapped` }, UNREAD);
    const environment = url.searchParams.get("environment") ?? "production";
    if (!environmentName.safeParse(environment).success)
      return refuse(res, "VALIDATION_FAILED", `environment "${environment}" is not a valid name`, UNREAD);
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > MAX_WEBHOOK_BYTES) {
      return refuse(res, "PAYLOAD_TOO_LARGE", `webhook body exceeds ${MAX_WEBHOOK_BYTES} bytes`, UNREAD);
    }
    const project = await getProject(ctx.db, projectId);
    if (!project) return refuse(res, "UNKNOWN_PROJECT", `unknown project ${projectId}`, UNREAD);
    if (!project.githubWebhookSecret) {
      return refuse(
        res,
        "BAD_SIGNATURE",
        `project ${projectId} has no GitHub webhook secret; run \`cuitty github webhook-secret set --project ${projectId}\``,
        UNREAD,
      );
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_WEBHOOK_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return refuse(res, "PAYLOAD_TOO_LARGE", `webhook body exceeds ${MAX_WEBHOOK_BYTES} bytes`, UNREAD);
      throw error;
    }
    if (!verifyGithubSignature(project.githubWebhookSecret, body, signature)) {
      return refuse(res, "BAD_SIGNATURE", "X-Hub-Signature-256 is missing or does not match the project's webhook secret");
    }
    const wait = limits.chargeProject(projectId);
    if (wait > 0)
      return refuse(res, "RATE_LIMITED", `too many requests for project ${projectId}; retry in ${wait} s`, { "retry-after": String(wait) });
    const delivery = String(req.headers["x-github-delivery"] ?? "");
    if (name === "ping") return answer(res, 200, { ok: true, pong: true });
    const deliveryKey = `${projectId}:${environment}:${delivery}`;
    if (delivery && delivered.has(deliveryKey)) return answer(res, 200, { ok: true, duplicate: true, results: [] });

    let payload: unknown;
    try {
      payload = JSON.parse(body.toString("utf8"));
    } catch {
      return refuse(res, "VALIDATION_FAILED", "webhook body is not valid JSON (set the content type to application/json)");
    }
    let events: DeployEventInput[];
    try {
      events = eventsOf(name, payload, environment);
    } catch (error) {
      if (error instanceof CuittyError) return refuse(res, error.code, error.message);
      throw error;
    }
    const results: unknown[] = [];
    const repo = String((payload as { repository?: { full_name?: string } }).repository?.full_name);
    for (const mapped of events) {
      const input = await withShippedCommits(ctx.db, ctx.github, projectId, repo, mapped);
      const parsed = deployEventSchema.safeParse(input);
      if (!parsed.success)
        return refuse(res, "VALIDATION_FAILED", `the ${name} payload maps to an invalid event: ${parsed.error.issues[0]?.message}`);
      try {
        const result = await applyDeployEvent(ctx.db, projectId, parsed.data, now());
        results.push({ deploy: result.deploy.id, status: result.deploy.status, changed: result.changed, duplicate: result.duplicate });
        // Health checks and outbound events hear webhook transitions as they hear API ones.
        if (result.changed) ctx.hooks?.onTransition?.({ projectId, deploy: result.deploy, from: result.from, to: result.deploy.status });
      } catch (error) {
        // A delivery older than what is recorded (GitHub does not order them): the deploy is already further on.
        if (error instanceof CuittyError && error.code === "INVALID_TRANSITION") {
          results.push({ ignored: "out of order", message: error.message });
          continue;
        }
        if (error instanceof CuittyError) return refuse(res, error.code, error.message);
        throw error;
      }
    }
    if (delivery) {
      delivered.add(deliveryKey);
      if (delivered.size > REMEMBERED_DELIVERIES) delivered.delete(delivered.values().next().value!);
    }
    ctx.log.info("github webhook", { project: projectId, event: name, delivery, events: events.length });
    answer(res, events.length > 0 ? 200 : 202, { ok: true, results, ...(events.length === 0 ? { ignored: `${name} is not mapped` } : {}) });
  };
}
