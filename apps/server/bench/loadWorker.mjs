// Load generator (worker thread): `connections` concurrent loops of signed POSTs for `seconds`.
import { createHmac } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import { Agent, request } from "undici";

const { url, path, projectId, apiKey, connections, seconds, batch, runId } = workerData;
const agent = new Agent({ connections, pipelining: 1 });
const latencies = [];
let events = 0;
let errors = 0;
let seq = 0;
let lastError;

function body() {
  const make = () => {
    const n = ++seq;
    return { id: `${runId}-${n}`, type: "deploy", deploy: `${runId}-${n}`, status: "live", environment: `env-${n % 8}` };
  };
  return JSON.stringify(batch ? { events: Array.from({ length: batch }, make) } : make());
}

async function loop(deadline) {
  while (performance.now() < deadline) {
    const b = body();
    const ts = Math.floor(Date.now() / 1000);
    const sig = createHmac("sha256", apiKey).update(`${ts}\nPOST\n${path}\n${b}`).digest("hex");
    const t0 = performance.now();
    try {
      const res = await request(url + path, {
        method: "POST",
        dispatcher: agent,
        body: b,
        headers: { "content-type": "application/json", "x-cuitty-project": projectId, "x-cuitty-timestamp": String(ts), "x-cuitty-signature": `v1=${sig}` },
      });
      await res.body.text();
      latencies.push(performance.now() - t0);
      if (res.statusCode === 200) events += batch || 1;
      else errors++;
    } catch (error) {
      errors++;
      lastError = String(error);
    }
  }
}

const started = performance.now();
const deadline = started + seconds * 1000;
await Promise.all(Array.from({ length: connections }, () => loop(deadline)));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
parentPort.postMessage({ eventsPerSecond: events / elapsed, requests: latencies.length, errors, lastError, p50: pct(0.5), p99: pct(0.99) });
await agent.close();
