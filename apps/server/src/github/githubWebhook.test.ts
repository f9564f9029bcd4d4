// The webhook receiver with real payloads from @octokit/webhooks-examples, against a real server.
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import examples, { type WebhookDefinition } from "@octokit/webhooks-examples";
import type { CuittyErrorData } from "@cuitty/core";
import { setGithubWebhookSecret } from "@cuitty/db";
import { deployEvents, deploys } from "@cuitty/db/schema";
import { type TestServer, startTestServer } from "../testing.js";
import { githubExtension } from "./githubExtension.js";
import { verifyGithubSignature } from "./githubWebhook.js";

const SECRET = "It's a Secret to Everybody";
// The package's main is a JSON array, but its index.d.ts declares it as `export default` of a CommonJS module, which
// NodeNext types as the module object: the array is the default import at run time, so it is read as one here.
const definitions = examples as unknown as WebhookDefinition[];

/** A copy of GitHub's i-th example payload of an event, typed as that event. */
function example<N extends WebhookDefinition["name"]>(name: N, i: number): WebhookDefinition<N>["examples"][number] {
  const found = definitions.find((d): d is WebhookDefinition<N> => d.name === name)?.examples[i];
  if (!found) throw new Error(`no example ${i} of ${name}`);
  return structuredClone(found);
}

/**
 * What the receiver answers: each mapped event's outcome (applied, or ignored with a reason), an acknowledgement
 * (ping, duplicate delivery), or a refusal. The status says which; tests read the fields of the one they expect.
 */
interface WebhookAnswer {
  ok?: true;
  pong?: true;
  duplicate?: true;
  ignored?: string;
  results: { deploy?: number; status?: string; changed?: boolean; duplicate?: boolean; ignored?: string; message?: string }[];
  error: { message: string; code: number; data: CuittyErrorData };
}

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ extensions: [githubExtension] });
  await setGithubWebhookSecret(server.db, server.projectId, SECRET);
});
afterEach(() => server.stop());

async function deliver(event: string, payload: unknown, opts: { delivery?: string; secret?: string | null; query?: string } = {}) {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-github-event": event,
    "x-github-delivery": opts.delivery ?? crypto.randomUUID(),
    "user-agent": "GitHub-Hookshot/abc",
  };
  if (opts.secret !== null)
    headers["x-hub-signature-256"] = `sha256=${createHmac("sha256", opts.secret ?? SECRET)
      .update(body)
      .digest("hex")}`;
  const res = await fetch(`${server.url}/webhooks/github?project=${opts.query ?? server.projectId}`, { method: "POST", headers, body });
  return { status: res.status, body: (await res.json()) as WebhookAnswer };
}

async function transitions() {
  const keys = new Map((await server.db.deploys.select().from(deploys)).map((d) => [d.id, d.externalKey]));
  const rows = (await server.db.deploys.select().from(deployEvents)).sort((a, b) => a.id - b.id);
  return rows.map((r) => `${keys.get(r.deployId)} ${r.fromStatus ?? "∅"}→${r.toStatus}${r.reason ? ` (${r.reason})` : ""}`);
}

describe("POST /webhooks/github", () => {
  it("checks signatures against GitHub's published test vector", () => {
    const body = new TextEncoder().encode("Hello, World!");
    expect(verifyGithubSignature(SECRET, body, "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")).toBe(true);
    expect(verifyGithubSignature(SECRET, body, "sha256=657107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")).toBe(false);
    expect(verifyGithubSignature(SECRET, body, "sha1=abc")).toBe(false);
  });

  it("records a signed workflow_run delivery as the mapped transition", async () => {
    const payload = example("workflow_run", 1); // completed, success
    const res = await deliver("workflow_run", payload);
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ status: "live", changed: true });
    const repo = payload.repository.full_name;
    expect(await transitions()).toEqual([`github:${repo}:run:${payload.workflow_run.id}:1 ∅→live`]);
    const [row] = await server.db.deploys.select().from(deploys);
    expect(row).toMatchObject({ commitSha: payload.workflow_run.head_sha, branch: payload.workflow_run.head_branch, provider: "github" });
  });

  it("refuses unsigned, wrongly signed and unknown-project deliveries as JSON without writing anything", async () => {
    const payload = example("workflow_run", 1);
    const unsigned = await deliver("workflow_run", payload, { secret: null });
    const wrong = await deliver("workflow_run", payload, { secret: "not the secret" });
    const unknown = await deliver("workflow_run", payload, { query: "prj_nope" });
    expect([unsigned.status, wrong.status, unknown.status]).toEqual([401, 401, 401]);
    expect(unsigned.body).toEqual({
      error: { message: expect.stringMatching(/X-Hub-Signature-256/), data: { cuittyCode: "BAD_SIGNATURE", httpStatus: 401 } },
    });
    expect(unknown.body.error.data.cuittyCode).toBe("UNKNOWN_PROJECT");
    expect(JSON.stringify([unsigned.body, wrong.body, unknown.body])).not.toMatch(/at .*\.ts/);
    expect(await transitions()).toEqual([]);
  });

  it("tells how to set a secret when the project has none", async () => {
    await setGithubWebhookSecret(server.db, server.projectId, null);
    const res = await deliver("workflow_run", example("workflow_run", 1));
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/cuitty github webhook-secret set/);
  });

  it("treats a replayed delivery and a redelivery after a restart of its memory as no-ops", async () => {
    const payload = example("workflow_run", 1);
    const first = await deliver("workflow_run", payload, { delivery: "d-1" });
    const replay = await deliver("workflow_run", payload, { delivery: "d-1" });
    expect(first.body.results[0]?.changed).toBe(true);
    expect(replay.body).toMatchObject({ ok: true, duplicate: true });
    // A new delivery id for the same transition (another receiver, or GitHub's "redeliver" after a restart):
    const again = await deliver("workflow_run", payload, { delivery: "d-2" });
    expect(again.body.results[0]).toMatchObject({ changed: false, duplicate: true });
    expect(await transitions()).toHaveLength(1);
  });

  it("accepts deliveries out of order, keeping the furthest state and ignoring the late one", async () => {
    const queued = example("workflow_run", 3); // requested/queued of run 289782451
    const completed = example("workflow_run", 1); // completed/success of the same run
    expect(queued.workflow_run.id).toBe(completed.workflow_run.id);
    await deliver("workflow_run", completed);
    const late = await deliver("workflow_run", queued);
    expect(late.status).toBe(200);
    expect(late.body.results[0]).toMatchObject({ ignored: "out of order" });
    const failedLater = example("workflow_run", 4); // action_required for the same attempt, after success
    expect((await deliver("workflow_run", failedLater)).body.results[0]).toMatchObject({ ignored: "out of order" });
    expect(await transitions()).toEqual([`github:${completed.repository.full_name}:run:${completed.workflow_run.id}:1 ∅→live`]);
  });

  it("maps deployment_status deliveries and answers other events with 202", async () => {
    const inProgress = example("deployment_status", 1);
    const success = example("deployment_status", 1);
    success.deployment_status.state = "success";
    await deliver("deployment_status", inProgress, { query: `${server.projectId}&environment=staging` });
    await deliver("deployment_status", success, { query: `${server.projectId}&environment=staging` });
    const key = `github:${inProgress.repository.full_name}:deployment:${inProgress.deployment.id}`;
    expect(await transitions()).toEqual([`${key} ∅→deploying`, `${key} deploying→live`]);
    const ping = await deliver("ping", { zen: "Keep it logically awesome.", hook_id: 1 });
    expect(ping.body).toEqual({ ok: true, pong: true });
    const issue = await deliver("issues", { action: "opened", repository: { full_name: "a/b" } });
    expect(issue.status).toBe(202);
  });

  it("answers well within GitHub's 10 seconds", async () => {
    const started = performance.now();
    await deliver("workflow_run", example("workflow_run", 0));
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("lists the commits a go-live ships from GitHub's compare since the environment's current deploy, with a conditional repeat", async () => {
    const A = "a".repeat(40);
    const B = "b".repeat(40);
    const X = "c".repeat(40);
    const requests: { path: string; ifNoneMatch?: string; auth?: string }[] = [];
    // GitHub's compare answer for A...B (trimmed to the fields of the real payload that matter), with an ETag.
    const commit = (sha: string, date: string) => ({
      sha,
      node_id: `C_${sha.slice(0, 8)}`,
      commit: {
        author: { name: "Octo", email: "o@example.com", date },
        committer: { name: "Octo", email: "o@example.com", date },
        message: "change",
      },
      parents: [],
    });
    const fake = createServer((req, res) => {
      requests.push({
        path: req.url ?? "",
        ifNoneMatch: req.headers["if-none-match"] as string | undefined,
        auth: req.headers.authorization,
      });
      if (req.url !== `/repos/Codertocat/Hello-World/compare/${A}...${B}`) return void res.writeHead(404).end('{"message":"Not Found"}');
      if (req.headers["if-none-match"] === 'W/"cmp1"') return void res.writeHead(304, { etag: 'W/"cmp1"' }).end();
      res.writeHead(200, { "content-type": "application/json", etag: 'W/"cmp1"' });
      res.end(
        JSON.stringify({
          status: "ahead",
          ahead_by: 2,
          behind_by: 0,
          total_commits: 2,
          commits: [commit(X, "2025-11-28T10:00:00Z"), commit(B, "2025-11-28T11:00:00Z")],
          files: [],
        }),
      );
    });
    await new Promise<void>((r) => fake.listen(0, "127.0.0.1", r));
    try {
      await server.stop();
      const githubApiUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
      server = await startTestServer({ extensions: [githubExtension], config: { githubApiUrl, githubToken: "ghs_test" } });
      await setGithubWebhookSecret(server.db, server.projectId, SECRET);
      const runAt = (id: number, sha: string) => {
        const p = example("workflow_run", 1);
        p.repository.full_name = "Codertocat/Hello-World";
        Object.assign(p.workflow_run, {
          id,
          head_sha: sha,
          head_commit: { ...p.workflow_run.head_commit, id: sha, timestamp: "2025-11-28T09:00:00Z" },
        });
        return p;
      };
      const commitsOf = async (id: number) => {
        const [row] = (await server.db.deploys.select().from(deploys)).filter((d) => d.externalKey.endsWith(`:run:${id}:1`));
        const res = await server.request("deploys.get", { input: { id: row!.id } });
        return res.body.result.data.commits.map((c) => c.sha);
      };
      for (const env of ["production", "staging"]) {
        const base = env === "production" ? 11 : 21;
        await deliver("workflow_run", runAt(base, A), { query: `${server.projectId}&environment=${env}` });
        await deliver("workflow_run", runAt(base + 1, B), { query: `${server.projectId}&environment=${env}` });
        // The first go-live has nothing to compare with: its head commit. The next: compare A...B.
        expect(await commitsOf(base)).toEqual([A]);
        expect(await commitsOf(base + 1)).toEqual([X, B]);
      }
      expect(requests.map((r) => [r.path.split("/compare/")[1], r.ifNoneMatch ?? null, r.auth])).toEqual([
        [`${A}...${B}`, null, "Bearer ghs_test"],
        [`${A}...${B}`, 'W/"cmp1"', "Bearer ghs_test"],
      ]);
    } finally {
      fake.closeAllConnections();
      await new Promise<void>((r) => fake.close(() => r()));
    }
  });
});
