// Serves the built dashboard (a single-page app): files by path, index.html for everything else.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { ServerResponse } from "node:http";
import { CuittyError } from "@cuitty/core";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

/** The dashboard's build folder: configured, or the @cuitty/dashboard package's dist. */
export function resolveDashboardDir(configured?: string): string | undefined {
  if (configured) return configured;
  try {
    const pkg = createRequire(import.meta.url).resolve("@cuitty/dashboard/package.json");
    const dir = join(dirname(pkg), "dist");
    return existsSync(join(dir, "index.html")) ? dir : undefined;
  } catch {
    return undefined;
  }
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Cuitty Deploys</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto">
<h1>Cuitty Deploys is running</h1><p>The dashboard is not built. Run <code>pnpm build</code> (or the README's start command), then reload.</p>
<p>The API is at <code>/trpc</code>; health at <code>/healthz</code>.</p></body>`;

/** Bad escapes (`%zz`) and overlong UTF-8 (`%c0%ae`, a disguised `.`) are the client's error, not ours. */
function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    throw new CuittyError("VALIDATION_FAILED", "the path has an invalid percent-encoding");
  }
}

export async function serveStatic(configuredDir: string | undefined, pathname: string, res: ServerResponse): Promise<void> {
  // Resolved so a configured folder with a trailing slash still passes the containment check.
  const dir = configuredDir && resolve(configuredDir);
  if (!dir) {
    res.writeHead(200, { "content-type": TYPES[".html"]! });
    res.end(NOT_BUILT);
    return;
  }
  const rel = normalize(decodePath(pathname)).replace(/^([/\\])+/, "");
  let file = join(dir, rel);
  if (!file.startsWith(dir + sep) || !existsSync(file) || !extname(file)) file = join(dir, "index.html");
  const body = await readFile(file);
  const immutable = file.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    "x-content-type-options": "nosniff",
  });
  res.end(body);
}
