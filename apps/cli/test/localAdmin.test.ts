// Local administration with several projects: which project a command means, and the webhook's real payload URL.
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, runCli } from "./helpers.js";
import { type ServeProcess, startServe } from "./serveProcess.js";

let dir: string;
let dataDir: string;
let serve: ServeProcess;
let paymentsId: string;

const local = (args: string[], data = dataDir) => runCli([...args, "--data", data], { env: cleanEnv(), cwd: dir });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cuitty-local-"));
  dataDir = join(dir, ".cuitty");
  serve = await startServe(dataDir, dir);
  // As the README orders it: the first start made a project, then a second one.
  const created = await local(["projects", "create", "payments", "--json"]);
  expect(created.code, created.stderr).toBe(0);
  paymentsId = JSON.parse(created.stdout).projectId;
});
afterAll(async () => {
  if (serve.child.exitCode === null) {
    serve.child.kill("SIGTERM");
    await serve.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A completed, successful workflow_run delivery as GitHub sends it (the fields the receiver maps). */
function workflowRun(id: number) {
  const at = new Date(Date.now() - 60_000).toISOString();
  return {
    action: "completed",
    workflow_run: {
      id,
      run_attempt: 1,
      status: "completed",
      conclusion: "success",
      head_sha: "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
      head_branch: "main",
      event: "push",
      path: ".github/workflows/deploy.yml",
      html_url: `https://github.com/acme/api/actions/runs/${id}`,
      actor: { login: "octocat" },
      created_at: at,
      updated_at: at,
      run_started_at: at,
      head_commit: { timestamp: at },
    },
    repository: { full_name: "acme/api" },
  };
}

async function deliver(payloadUrl: string, secret: string, payload: unknown) {
  const body = JSON.stringify(payload);
  // The printed URL names localhost, as credentials.json does; the test reaches it on 127.0.0.1.
  const res = await fetch(payloadUrl.replace("//localhost:", "//127.0.0.1:"), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "workflow_run",
      "x-github-delivery": crypto.randomUUID(),
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as { results: unknown[] } };
}

describe("cuitty github webhook-secret set with several projects", () => {
  it("uses the project of the data directory's credentials.json, says so, and prints the real payload URL for production", async () => {
    const result = await local(["github", "webhook-secret", "set"]);
    expect(result.code, result.stderr).toBe(0);
    const secret = result.stdout.trim();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(result.stderr).toContain(`project ${serve.creds.projectId} (from ${join(dataDir, "credentials.json")}`);
    const payloadUrl = `${serve.creds.portalUrl}/webhooks/github?project=${serve.creds.projectId}&environment=production`;
    expect(result.stderr).toContain(`Payload URL: ${payloadUrl}\n`);
    expect(result.stderr).not.toContain("<portal");

    // The URL and secret printed are the ones the server accepts: the delivery lands in production.
    const delivered = await deliver(payloadUrl, secret, workflowRun(901));
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    expect(delivered.body.results[0]).toMatchObject({ status: "live", changed: true });
  });

  it("prints the named project and environment with --project and --env, and JSON for scripts", async () => {
    const result = await local(["github", "webhook-secret", "set", "--project", paymentsId, "--env", "staging", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(answer).toMatchObject({
      projectId: paymentsId,
      environment: "staging",
      generated: true,
      payloadUrl: `${serve.creds.portalUrl}/webhooks/github?project=${paymentsId}&environment=staging`,
    });
  });

  it("prints the portal URL given with --portal-url instead of the local one", async () => {
    const result = await local(["github", "webhook-secret", "set", "--portal-url", "https://deploys.example.com/", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).payloadUrl).toBe(
      `https://deploys.example.com/webhooks/github?project=${serve.creds.projectId}&environment=production`,
    );
  });

  it("refuses without --project when no credentials.json says which, listing the projects and naming the flag", async () => {
    const bare = join(dir, "bare");
    expect((await local(["projects", "create", "shop"], bare)).code).toBe(0);
    expect((await local(["projects", "create", "billing"], bare)).code).toBe(0);
    const result = await local(["github", "webhook-secret", "set"], bare);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/there are several projects and no --project: prj_\w+ \((shop|billing)\), prj_\w+ \((shop|billing)\)/);
    expect(result.stderr).toMatch(/\(shop\)[\s\S]*\(billing\)|\(billing\)[\s\S]*\(shop\)/);
    expect(result.stderr).toMatch(/pass --project ID, e\.g\. --project prj_/);
    expect(result.stderr).toContain("E_USAGE");
  });
});
