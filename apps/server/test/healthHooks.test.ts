import { afterEach, describe, expect, it } from "vitest";
import { HEADER_PROJECT, HEADER_SIGNATURE, HEADER_TIMESTAMP, verify } from "@cuitty/core";
import { getDeploy, listRollbackHooks, rollbackHookSecret } from "@cuitty/db";
import { answer, goLive, healthServer, localServer, setPolicy, settled, waitFor } from "./healthHelpers.js";

describe("the rollback hook", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it("is a signed POST the receiver verifies with the environment's secret, retried until the receiver answers 2xx", async () => {
    let healthy = true;
    const target = await localServer((n, req, res) => answer(healthy ? 200 : 500)(n, req, res));
    const receiver = await localServer((n, req, res) => answer(n === 0 ? 503 : 204)(n, req, res));
    const server = await healthServer();
    cleanup.push(
      () => target.close(),
      () => receiver.close(),
      () => server.stop(),
    );
    await setPolicy(server, {
      healthUrl: `${target.url}/healthz`,
      healthIntervalSeconds: 1,
      healthChecks: 2,
      healthFailures: 1,
      autoRollback: true,
      rollbackWebhookUrl: `${receiver.url}/hooks/cuitty?env=production`,
    });
    const previous = await goLive(server, { commitSha: "aaaa1111" });
    await settled(server, previous);
    healthy = false;
    const id = await goLive(server, { commitSha: "bbbb2222" });
    await waitFor("two hook requests", async () => receiver.requests.length >= 2);
    const hooks = await waitFor("the delivery to be recorded", async () => {
      const h = await listRollbackHooks(server.db, server.projectId, id);
      return h[0]?.state === "delivered" ? h : undefined;
    });
    expect(hooks).toEqual([expect.objectContaining({ kind: "webhook", state: "delivered", attempts: 2, lastStatus: 204 })]);
    expect(receiver.requests).toHaveLength(2);

    const secret = await rollbackHookSecret(server.db, server.projectId, "production");
    for (const req of receiver.requests) {
      expect(req.method).toBe("POST");
      expect(req.headers[HEADER_PROJECT]).toBe(server.projectId);
      expect(req.headers["x-cuitty-event"]).toBe("rollback");
      expect(req.headers["x-cuitty-delivery"]).toBe(String(hooks[0]!.id)); // stable across retries: the receiver's idempotency key
      const ok = await verify({
        apiKey: secret,
        timestamp: Number(req.headers[HEADER_TIMESTAMP]),
        method: "POST",
        pathAndQuery: req.path,
        body: req.body,
        signature: String(req.headers[HEADER_SIGNATURE]),
      });
      expect(ok).toBe(true);
      const tampered = await verify({
        apiKey: secret,
        timestamp: Number(req.headers[HEADER_TIMESTAMP]),
        method: "POST",
        pathAndQuery: req.path,
        body: req.body.replace("aaaa1111", "cccc3333"),
        signature: String(req.headers[HEADER_SIGNATURE]),
      });
      expect(tampered).toBe(false);
    }
    const body = JSON.parse(receiver.requests[1]!.body);
    expect(body).toMatchObject({
      type: "rollback",
      projectId: server.projectId,
      environment: "production",
      automatic: true,
      deploy: { id, status: "rolled_back", commitSha: "bbbb2222", rollbackTargetId: previous },
      target: { id: previous, commitSha: "aaaa1111" },
    });
    expect(body.reason).toMatch(/^health checks failed: 1 consecutive failed probe/);
  });

  it("is called once when an admin rolls a deploy back, and not for a rollback a client reports", async () => {
    const receiver = await localServer(answer(200));
    const server = await healthServer();
    cleanup.push(
      () => receiver.close(),
      () => server.stop(),
    );
    await setPolicy(server, { rollbackWebhookUrl: `${receiver.url}/hook` });
    const previous = await goLive(server);
    const id = await goLive(server);
    const res = await server.request("deploys.rollback", { input: { deployId: id, reason: "bad numbers" } });
    expect(res.status).toBe(200);
    await waitFor("the hook call", async () => receiver.requests.length === 1);
    expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({
      automatic: false,
      reason: "bad numbers",
      deploy: { id },
      target: { id: previous },
    });

    // CI reports a rollback it already made (an event with an id): calling the hook would ask it to roll back again.
    const third = await goLive(server);
    const reported = await server.request("deploys.emit", {
      key: server.keys.ingest,
      input: {
        id: "evt-reported-rollback",
        type: "deploy",
        deploy: (await getDeploy(server.db, server.projectId, third)).externalKey,
        status: "rolled_back",
        environment: "production",
      },
    });
    expect(reported.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.requests).toHaveLength(1);
    expect(await listRollbackHooks(server.db, server.projectId, third)).toEqual([]);
  });

  it("dispatches the GitHub workflow with the target's commit", async () => {
    const github = await localServer(answer(204));
    const server = await healthServer({ delivery: { githubApiUrl: github.url, githubToken: "ghp_test" } });
    cleanup.push(
      () => github.close(),
      () => server.stop(),
    );
    await setPolicy(server, {
      rollbackGithubRepo: "acme/api",
      rollbackGithubWorkflow: "rollback.yml",
      rollbackGithubRef: "release",
    });
    const previous = await goLive(server, { commitSha: "aaaa1111", branch: "main" });
    const id = await goLive(server, { commitSha: "bbbb2222" });
    expect((await server.request("deploys.rollback", { input: { deployId: id } })).status).toBe(200);
    await waitFor("the dispatch", async () => github.requests.length === 1);
    const req = github.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/repos/acme/api/actions/workflows/rollback.yml/dispatches");
    expect(req.headers.authorization).toBe("Bearer ghp_test");
    expect(req.headers.accept).toBe("application/vnd.github+json");
    expect(JSON.parse(req.body)).toEqual({
      ref: "release",
      inputs: { environment: "production", commit_sha: "aaaa1111", target_deploy_id: String(previous), deploy_id: String(id), reason: "" },
    });
    await waitFor(
      "the delivery to be recorded",
      async () => (await listRollbackHooks(server.db, server.projectId, id))[0]?.state === "delivered",
    );
  });

  it("gives up at once on an answer retrying cannot change", async () => {
    const github = await localServer((_n, _req, res) => {
      res.writeHead(422, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: 'Unexpected inputs provided: ["reason"]' }));
    });
    const server = await healthServer({ delivery: { githubApiUrl: github.url, githubToken: "ghp_test" } });
    cleanup.push(
      () => github.close(),
      () => server.stop(),
    );
    await setPolicy(server, { rollbackGithubRepo: "acme/api", rollbackGithubWorkflow: "rollback.yml" });
    await goLive(server);
    const id = await goLive(server);
    await server.request("deploys.rollback", { input: { deployId: id } });
    const [hook] = await waitFor("the failure to be recorded", async () => {
      const h = await listRollbackHooks(server.db, server.projectId, id);
      return h[0]?.state === "failed" ? h : undefined;
    });
    expect(hook).toMatchObject({ attempts: 1, lastStatus: 422 });
    expect(hook!.lastError).toContain("Unexpected inputs provided");
    expect(github.requests).toHaveLength(1);
  });
});
