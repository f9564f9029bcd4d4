// The signed-in project and key, kept in this tab's sessionStorage (gone when the tab closes).
export interface Session {
  projectId: string;
  apiKey: string;
}

const KEY = "cuitty.session";

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<Session>;
    return typeof value.projectId === "string" && typeof value.apiKey === "string"
      ? { projectId: value.projectId, apiKey: value.apiKey }
      : null;
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
