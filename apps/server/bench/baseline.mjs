// The bare baseline: node:http, an HMAC check, and one INSERT (or a batched INSERT) through @libsql/client.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { join } from "node:path";
import { createClient } from "@libsql/client";

export async function startBaseline(dir, apiKey, port = 0) {
  const db = createClient({ url: `file:${join(dir, "baseline.db")}`, concurrency: 1 });
  await db.execute("PRAGMA journal_mode = WAL");
  await db.execute("PRAGMA synchronous = NORMAL");
  await db.execute(
    "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, event_id TEXT UNIQUE, deploy TEXT, status TEXT, environment TEXT, at INTEGER)",
  );
  const server = createServer((req, res) => {
    if (req.url === "/healthz") return void res.writeHead(200).end("{}");
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks).toString();
      const ts = req.headers["x-cuitty-timestamp"];
      const expected = Buffer.from(`v1=${createHmac("sha256", apiKey).update(`${ts}\n${req.method}\n${req.url}\n${raw}`).digest("hex")}`);
      const given = Buffer.from(String(req.headers["x-cuitty-signature"] ?? ""));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.writeHead(401).end();
        return;
      }
      const body = JSON.parse(raw);
      const events = body.events ?? [body];
      const stmts = events.map((e) => ({
        sql: "INSERT INTO events (event_id, deploy, status, environment, at) VALUES (?, ?, ?, ?, unixepoch())",
        args: [e.id, e.deploy, e.status, e.environment],
      }));
      if (stmts.length === 1) await db.execute(stmts[0]);
      else await db.batch(stmts, "write");
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(() => (db.close(), r()))) };
}
