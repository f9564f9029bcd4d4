// Formatting of times, durations, commits and links for people.
export function formatTime(unix: number | null | undefined): string {
  if (unix == null) return "—";
  return new Date(unix * 1000).toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

export function formatAgo(unix: number | null | undefined, now = Date.now() / 1000): string {
  if (unix == null) return "—";
  const s = Math.round(now - unix);
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null) return "—";
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${seconds % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : "—";
}

/** The commit's page when the logs link points at a GitHub repository (e.g. an Actions run). */
export function commitUrl(commitSha: string | null | undefined, buildLogsUrl: string | null | undefined): string | null {
  if (!commitSha || !buildLogsUrl) return null;
  const m = /^https:\/\/github\.com\/([\w.-]+)\/([\w.-]+)(?:\/|$)/.exec(buildLogsUrl);
  return m ? `https://github.com/${m[1]}/${m[2]}/commit/${commitSha}` : null;
}

/** Only http(s) links are rendered as links (a stored URL is client-supplied). */
export function safeUrl(url: string | null | undefined): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

/** A span that may be days long (DORA lead time, time to restore); fractional seconds are rounded. */
export function formatSpan(seconds: number | null | undefined): string {
  if (seconds == null) return "—";
  const s = Math.round(seconds);
  if (s < 86_400) return formatDuration(s);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  return h ? `${d} d ${h} h` : `${d} d`;
}

export function formatPercent(ratio: number | null | undefined, digits = 0): string {
  return ratio == null ? "—" : `${(ratio * 100).toFixed(digits)}%`;
}

/** Milliseconds as people read latency: 87 ms, 1.2 s. */
export function formatMs(ms: number | null | undefined): string {
  if (ms == null) return "—";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatDay(unix: number): string {
  return new Date(unix * 1000).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
}
