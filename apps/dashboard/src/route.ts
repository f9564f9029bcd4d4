// A tiny hash router: #/ (overview), #/env/<name>?status=&branch= (timeline), #/deploys/<id> (detail),
// #/metrics/<name>?range=&bucket= (DORA and phase timings), #/settings?env= (health policy, outbound hooks),
// #/org?env=&q= (the organisation's services, with an organisation key).
import { useEffect, useState } from "react";

export type Route =
  | { page: "overview" }
  | { page: "org"; environment?: string; search?: string }
  | { page: "timeline"; environment: string; status?: string; branch?: string }
  | { page: "deploy"; id: number }
  | { page: "metrics"; environment?: string; range?: string; bucket?: string }
  | { page: "settings"; environment?: string }
  | { page: "notFound"; path: string };

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: "overview" };
  if (parts[0] === "org" && parts.length === 1) {
    return { page: "org", environment: params.get("env") || undefined, search: params.get("q") || undefined };
  }
  if (parts[0] === "env" && parts.length >= 2) {
    return {
      page: "timeline",
      environment: parts.slice(1).join("/"),
      status: params.get("status") || undefined,
      branch: params.get("branch") || undefined,
    };
  }
  if (parts[0] === "metrics") {
    return {
      page: "metrics",
      environment: parts.length >= 2 ? parts.slice(1).join("/") : undefined,
      range: params.get("range") || undefined,
      bucket: params.get("bucket") || undefined,
    };
  }
  if (parts[0] === "settings" && parts.length === 1) return { page: "settings", environment: params.get("env") || undefined };
  if (parts[0] === "deploys" && parts.length === 2 && /^\d+$/.test(parts[1]!)) return { page: "deploy", id: Number(parts[1]) };
  return { page: "notFound", path };
}

export const href = {
  overview: () => "#/",
  org: (filters: { environment?: string; search?: string } = {}) => {
    const q = new URLSearchParams();
    if (filters.environment) q.set("env", filters.environment);
    if (filters.search) q.set("q", filters.search);
    const qs = q.toString();
    return `#/org${qs ? `?${qs}` : ""}`;
  },
  timeline: (environment: string, filters: { status?: string; branch?: string } = {}) => {
    const q = new URLSearchParams();
    if (filters.status) q.set("status", filters.status);
    if (filters.branch) q.set("branch", filters.branch);
    const qs = q.toString();
    return `#/env/${environment.split("/").map(encodeURIComponent).join("/")}${qs ? `?${qs}` : ""}`;
  },
  deploy: (id: number) => `#/deploys/${id}`,
  metrics: (environment?: string, opts: { range?: string; bucket?: string } = {}) => {
    const q = new URLSearchParams();
    if (opts.range) q.set("range", opts.range);
    if (opts.bucket) q.set("bucket", opts.bucket);
    const qs = q.toString();
    const env = environment ? `/${environment.split("/").map(encodeURIComponent).join("/")}` : "";
    return `#/metrics${env}${qs ? `?${qs}` : ""}`;
  },
  settings: (environment?: string) => (environment ? `#/settings?env=${encodeURIComponent(environment)}` : "#/settings"),
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
