/** The session in the address bar (/c/<id>), so a reload or a shared link opens it. */
const SESSION_PATH = /^\/c\/([0-9a-f-]{36})\/?$/i;

export function sessionIdFromPath(pathname: string): string | null {
  return SESSION_PATH.exec(pathname)?.[1]?.toLowerCase() ?? null;
}

export const pathForSession = (id: string | null) => (id ? `/c/${id}` : '/');
