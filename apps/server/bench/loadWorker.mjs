// Load generator (worker thread): `connections` concurrent loops of signed POSTs for `seconds`.
// With `untilDown` a loop stops at the first network error (the soak kills the server under it); with
// `collectAcked` the event ids the server acknowledged (200, and `ok` per event of a batch) are sent back.
import { createHmac } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import { Agent, request } from "undici";

const { url, path, projectId, apiKey, connections, seconds, batch, runId, untilDown = false, collectAcked = false } = workerData;
const agent = new Agent({ connections, pipelining: 1 });
const latencies = [];
let events = 0;
let errors = 0;
let seq = 0;
let lastError;
const statuses = {};
const acked = [];

function body() {
  const make = () => {
    const n = ++seq;
    return { id: `${runId}-${n}`, type: "deploy", deploy: `${runId}-${n}`, status: "live", environment: `env-${n % 8}` };
  };
  const events = batch ? Array.from({ length: batch }, make) : [make()];
  return { text: JSON.stringify(batch ? { events } : events[0]), ids: events.map((e) => e.id) };
}

/** The ids of `ids` the answer acknowledges. */
function acknowledged(ids, status, text) {
  if (status !== 200) return [];
  if (!batch) return ids;
  const results = JSON.parse(text).result.data.results;
  return ids.filter((_, i) => results[i]?.ok === true);
}

async function loop(deadline) {
  while (performance.now() < deadline) {
    const { text: b, ids } = body();
    const ts = Math.floor(Date.now() / 1000);
    const sig = createHmac("sha256", apiKey).update(`${ts}\nPOST\n${path}\n${b}`).digest("hex");
    const t0 = performance.now();
    try {
      const res = await request(url + path, {
        method: "POST",
        dispatcher: agent,
        body: b,
        headers: {
          "content-type": "application/json",
          "x-cuitty-project": projectId,
          "x-cuitty-timestamp": String(ts),
          "x-cuitty-signature": `v1=${sig}`,
        },
      });
      const answer = await res.body.text();
      latencies.push(performance.now() - t0);
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      if (res.statusCode === 200) events += batch || 1;
      else errors++;
      if (collectAcked) acked.push(...acknowledged(ids, res.statusCode, answer));
    } catch (error) {
      errors++;
      lastError = String(error);
      if (untilDown) return;
    }
  }
}

const started = performance.now();
const deadline = started + seconds * 1000;
await Promise.all(Array.from({ length: connections }, () => loop(deadline)));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
parentPort.postMessage({
  eventsPerSecond: events / elapsed,
  elapsed,
  statuses,
  requests: latencies.length,
  errors,
  lastError,
  p50: pct(0.5),
  p99: pct(0.99),
  acked,
});
await agent.close();
