// A real Prometheus for tests: history backfilled with promtool from generated OpenMetrics, or live scrapes
// of local targets, on a random free port of 127.0.0.1, stopped (and its files removed) by the test.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "./healthHelpers.js";

function which(cmd: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

const prometheusBin = which("prometheus");
const promtoolBin = which("promtool");

/** Why the Prometheus tests cannot run here, or null when they can. */
export const prometheusMissing: string | null =
  prometheusBin && promtoolBin ? null : "prometheus/promtool not installed: `apt-get install -y prometheus` (.ci/run installs it)";

if (prometheusMissing) console.warn(`SKIPPING the Prometheus tests: ${prometheusMissing}`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface RunningPrometheus {
  url: string;
  /** An instant query straight to Prometheus (for waiting on what it has scraped). */
  query(promql: string): Promise<{ labels: Record<string, string>; value: number }[]>;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus over `openMetrics` history (backfilled with `promtool tsdb create-blocks-from openmetrics`)
 * and/or scraping `targets` (host:port, every second), and waits for /-/ready.
 */
export async function startPrometheus(options: { openMetrics?: string; targets?: string[] }): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), "cuitty-prom-"));
  const data = join(dir, "data");
  if (options.openMetrics) {
    writeFileSync(join(dir, "history.om"), options.openMetrics);
    const r = spawnSync(promtoolBin!, ["tsdb", "create-blocks-from", "openmetrics", join(dir, "history.om"), data], {
      encoding: "utf8",
      timeout: 30_000,
    });
    if (r.status !== 0) throw new Error(`promtool failed: ${r.stderr || r.stdout}`);
  }
  const scrape = (options.targets ?? []).length
    ? `scrape_configs:\n  - job_name: app\n    scrape_interval: 1s\n    scrape_timeout: 1s\n    static_configs:\n      - targets: [${options.targets!.map((t) => `"${t}"`).join(", ")}]\n`
    : "scrape_configs: []\n";
  writeFileSync(join(dir, "prometheus.yml"), `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n${scrape}`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = "";
  const child: ChildProcess = spawn(
    prometheusBin!,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=30d",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout!.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      "Prometheus to be ready",
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${log.slice(-2000)}`);
        return (await fetch(`${url}/-/ready`)).ok;
      },
      30_000,
    );
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\n${log.slice(-2000)}`);
  }
  return {
    url,
    stop,
    async query(promql) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      return body.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    },
  };
}

/** One series of a histogram: per sample time, how many observations fall at or below each bucket bound. */
export interface HistogramSeries {
  labels: Record<string, string>;
  /** The bucket bounds in seconds (ascending); +Inf is added. */
  bounds: number[];
  /** Observations of the scrape interval ending at `ts`, per bucket (not cumulative), same length as bounds. */
  observations(ts: number): number[];
}

/**
 * OpenMetrics text of histogram series sampled every `stepSeconds` over [from, to] (cumulative counters from 0),
 * ending with `# EOF` as promtool wants.
 */
export function histogramOpenMetrics(name: string, series: HistogramSeries[], from: number, to: number, stepSeconds: number): string {
  const lines = [`# HELP ${name} Test latencies.`, `# TYPE ${name} histogram`];
  const fmt = (labels: Record<string, string>) =>
    Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(",");
  const totals = series.map((s) => ({ buckets: s.bounds.map(() => 0), count: 0 }));
  for (let ts = from; ts <= to; ts += stepSeconds) {
    series.forEach((s, i) => {
      const t = totals[i]!;
      s.observations(ts).forEach((n, b) => {
        t.buckets[b]! += n;
        t.count += n;
      });
      let cumulative = 0;
      s.bounds.forEach((le, b) => {
        cumulative += t.buckets[b]!;
        lines.push(`${name}_bucket{${fmt({ ...s.labels, le: String(le) })}} ${cumulative} ${ts}`);
      });
      lines.push(`${name}_bucket{${fmt({ ...s.labels, le: "+Inf" })}} ${t.count} ${ts}`);
      lines.push(`${name}_count{${fmt(s.labels)}} ${t.count} ${ts}`);
      lines.push(`${name}_sum{${fmt(s.labels)}} 0 ${ts}`);
    });
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}
