// A fake GitHub REST API on 127.0.0.1 speaking GitHub's wire format: Link pagination, ETag/304,
// x-ratelimit-* headers, 401 for a bad token, and scripted faults (5xx, hangs, primary and secondary limits);
// runs, their jobs, and compare between two commits of a linear history.
import { createHash } from "node:crypto";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRun {
  id: number;
  run_attempt: number;
  status: string;
  conclusion: string | null;
  head_sha: string;
  head_branch: string;
  event: string;
  path: string;
  html_url?: string;
  actor?: { login: string };
  created_at: string;
  updated_at: string;
  run_started_at: string;
  head_commit?: { timestamp: string };
}

export const FAKE_SHA = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";

/** A push-triggered deploy.yml run, queued at `time` (committed then too unless `over` says otherwise). */
export function fakeRun(id: number, time: string, over: Partial<FakeRun> = {}): FakeRun {
  return {
    id,
    run_attempt: 1,
    status: "queued",
    conclusion: null,
    head_sha: FAKE_SHA,
    head_branch: "main",
    event: "push",
    path: ".github/workflows/deploy.yml",
    actor: { login: "octocat" },
    created_at: time,
    updated_at: time,
    run_started_at: time,
    head_commit: { timestamp: time },
    ...over,
  };
}

/** A commit of the fake repository's linear history (oldest first in `FakeGithub.commits`). */
interface FakeCommit {
  sha: string;
  date: string;
  message?: string;
}

/** GitHub's compare answer for `base...head` on a linear history (the shape of the real payload, trimmed of files). */
function comparePayload(api: string, web: string, history: FakeCommit[], base: number, head: number) {
  const commitJson = (c: FakeCommit, i: number) => {
    const who = { name: "Octo Cat", email: "octocat@github.com", date: c.date };
    return {
      sha: c.sha,
      node_id: `C_${c.sha.slice(0, 10)}`,
      commit: {
        author: who,
        committer: who,
        message: c.message ?? `change ${i}`,
        tree: { sha: c.sha.split("").reverse().join(""), url: `${api}/git/trees/${c.sha}` },
        url: `${api}/git/commits/${c.sha}`,
        comment_count: 0,
        verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
      },
      url: `${api}/commits/${c.sha}`,
      html_url: `${web}/commit/${c.sha}`,
      comments_url: `${api}/commits/${c.sha}/comments`,
      author: { login: "octocat", id: 583231, type: "User" },
      committer: { login: "octocat", id: 583231, type: "User" },
      parents:
        i > 0
          ? [{ sha: history[i - 1]!.sha, url: `${api}/commits/${history[i - 1]!.sha}`, html_url: `${web}/commit/${history[i - 1]!.sha}` }]
          : [],
    };
  };
  const ahead = Math.max(0, head - base);
  const behind = Math.max(0, base - head);
  return {
    url: `${api}/compare/${history[base]!.sha}...${history[head]!.sha}`,
    html_url: `${web}/compare/${history[base]!.sha}...${history[head]!.sha}`,
    permalink_url: `${web}/compare/octocat:${history[base]!.sha.slice(0, 7)}...octocat:${history[head]!.sha.slice(0, 7)}`,
    diff_url: `${web}/compare/${history[base]!.sha}...${history[head]!.sha}.diff`,
    patch_url: `${web}/compare/${history[base]!.sha}...${history[head]!.sha}.patch`,
    base_commit: commitJson(history[base]!, base),
    merge_base_commit: commitJson(history[Math.min(base, head)]!, Math.min(base, head)),
    status: ahead > 0 ? "ahead" : behind > 0 ? "behind" : "identical",
    ahead_by: ahead,
    behind_by: behind,
    total_commits: ahead,
    commits: history.slice(base + 1, head + 1).map((c, k) => commitJson(c, base + 1 + k)),
    files: [],
  };
}

interface FakeJob {
  name: string;
  status: string;
  conclusion: string | null;
  started_at: string | null;
}

type Fault = { kind: "status"; status: number; headers?: Record<string, string>; body?: unknown } | { kind: "hang"; ms: number };

interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

export interface FakeGithub {
  url: string;
  token: string;
  runs: Map<number, FakeRun>;
  jobs: Map<number, FakeJob[]>;
  /** The repository's history, oldest first, for compare. */
  commits: FakeCommit[];
  faults: Fault[];
  log: LoggedRequest[];
  rate: { limit: number; remaining: number; reset: number };
  /** Requests logged since the last call. */
  take(): LoggedRequest[];
  stop(): Promise<void>;
}

export async function startFakeGithub(token = "ghp_fake_token"): Promise<FakeGithub> {
  const runs = new Map<number, FakeRun>();
  const jobs = new Map<number, FakeJob[]>();
  const commits: FakeCommit[] = [];
  const faults: Fault[] = [];
  const log: LoggedRequest[] = [];
  let taken = 0;
  const rate = { limit: 5000, remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600 };
  const hangs = new Set<ServerResponse>();

  function rateHeaders(): Record<string, string> {
    return {
      "x-ratelimit-limit": String(rate.limit),
      "x-ratelimit-remaining": String(rate.remaining),
      "x-ratelimit-reset": String(rate.reset),
      "x-ratelimit-used": String(rate.limit - rate.remaining),
      "x-ratelimit-resource": "core",
    };
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    log.push({ method: req.method ?? "GET", path, status });
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, {
      ...(text ? { "content-type": "application/json; charset=utf-8" } : {}),
      "x-github-api-version-selected": "2022-11-28",
      ...headers,
    });
    res.end(text);
  }

  /** A 200 with an ETag, or a 304 (free of rate limit, as on GitHub) when the client has it already. */
  function sendCacheable(req: IncomingMessage, res: ServerResponse, path: string, body: unknown, headers: Record<string, string> = {}) {
    const etag = `W/"${createHash("sha1").update(JSON.stringify(body)).digest("hex")}"`;
    if (req.headers["if-none-match"] === etag) return send(req, res, path, 304, undefined, { etag, ...rateHeaders(), ...headers });
    rate.remaining = Math.max(0, rate.remaining - 1);
    send(req, res, path, 200, body, { etag, "cache-control": "private, max-age=60, s-maxage=60", ...rateHeaders(), ...headers });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const path = url.pathname + url.search;
    const fault = faults.shift();
    if (fault?.kind === "hang") {
      log.push({ method: req.method ?? "GET", path, status: 0 });
      hangs.add(res);
      const t = setTimeout(() => {
        hangs.delete(res);
        res.destroy();
      }, fault.ms);
      res.on("close", () => clearTimeout(t));
      return;
    }
    if (fault?.kind === "status")
      return send(req, res, path, fault.status, fault.body ?? { message: "fault" }, { ...rateHeaders(), ...fault.headers });
    const auth = req.headers.authorization ?? "";
    if (auth !== `token ${token}` && auth !== `bearer ${token}` && auth !== `Bearer ${token}`) {
      return send(req, res, path, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" });
    }
    let m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/(?:workflows\/([^/]+)\/)?runs$/.exec(url.pathname);
    if (m) {
      const [, owner, repo, workflow] = m;
      const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
      const page = Math.max(1, Number(url.searchParams.get("page") ?? 1));
      const branch = url.searchParams.get("branch");
      const event = url.searchParams.get("event");
      const all = [...runs.values()]
        .filter(
          (r) => (!branch || r.head_branch === branch) && (!event || r.event === event) && (!workflow || r.path.endsWith(`/${workflow}`)),
        )
        .sort((a, b) => b.id - a.id);
      const items = all.slice((page - 1) * perPage, page * perPage).map((r) => ({
        ...r,
        html_url: r.html_url ?? `https://github.com/${owner}/${repo}/actions/runs/${r.id}`,
        repository: { full_name: `${owner}/${repo}` },
      }));
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const link = (p: number) => {
        const u = new URL(`${url.origin}${url.pathname}${url.search}`);
        u.searchParams.set("page", String(p));
        return `<http://${req.headers.host}${u.pathname}${u.search}>`;
      };
      const rels = [
        ...(page < last ? [`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`] : []),
        ...(page > 1 ? [`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`] : []),
      ];
      return sendCacheable(req, res, path, { total_count: all.length, workflow_runs: items }, rels.length ? { link: rels.join(", ") } : {});
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/jobs$/.exec(url.pathname);
    if (m) {
      const list = jobs.get(Number(m[3])) ?? [];
      return sendCacheable(req, res, path, {
        total_count: list.length,
        jobs: list.map((j, i) => ({ id: i + 1, run_id: Number(m![3]), ...j })),
      });
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/compare\/([0-9a-fA-F]+)\.\.\.([0-9a-fA-F]+)$/.exec(url.pathname);
    if (m) {
      const find = (ref: string) => commits.findIndex((c) => c.sha.startsWith(ref.toLowerCase()));
      const [base, head] = [find(m[3]!), find(m[4]!)];
      if (base >= 0 && head >= 0) {
        const api = `http://${req.headers.host}/repos/${m[1]}/${m[2]}`;
        return sendCacheable(req, res, path, comparePayload(api, `https://github.com/${m[1]}/${m[2]}`, commits, base, head));
      }
      return send(req, res, path, 404, {
        message: "Not Found",
        documentation_url: "https://docs.github.com/rest/commits/commits#compare-two-commits",
        status: "404",
      });
    }
    send(req, res, path, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    runs,
    jobs,
    commits,
    faults,
    log,
    rate,
    take() {
      const out = log.slice(taken);
      taken = log.length;
      return out;
    },
    async stop() {
      for (const res of hangs) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
