// The signed-in project (or organisation) and key, kept in this tab's sessionStorage (gone when the tab closes).
import { ORG_PROJECT } from "@cuitty/core";

export interface Session {
  /** A project id, or `org` for an organisation key. */
  projectId: string;
  apiKey: string;
  /** With an organisation key: the project whose pages are open (project procedures are signed with its id). */
  viewProject?: string;
}

const KEY = "cuitty.session";

export function isOrgSession(session: Session): boolean {
  return session.projectId === ORG_PROJECT;
}

/** The project the project pages show: the signed-in one, or the one an organisation session walked into. */
export function pageProject(session: Session): string | undefined {
  return isOrgSession(session) ? session.viewProject : session.projectId;
}

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<Session>;
    if (typeof value.projectId !== "string" || typeof value.apiKey !== "string") return null;
    const session: Session = { projectId: value.projectId, apiKey: value.apiKey };
    return typeof value.viewProject === "string" ? { ...session, viewProject: value.viewProject } : session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
