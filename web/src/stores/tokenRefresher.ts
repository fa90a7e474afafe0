import type { AuthStore } from './authStore.ts';

export interface RefresherOptions {
  now?: () => number;
  /** Refresh this long before expiry, at most; a quarter of the token's lifetime for short-lived tokens. */
  leadMs?: number;
  /** After a network failure, try again this much later. */
  retryMs?: number;
}

/** Refreshes the access token shortly before it expires, for as long as the user is signed in. */
export function keepTokenFresh(auth: AuthStore, opts: RefresherOptions = {}): () => void {
  const now = opts.now ?? Date.now;
  const leadMs = opts.leadMs ?? 60_000;
  const retryMs = opts.retryMs ?? 10_000;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const run = async () => {
    try {
      await auth.getState().refresh();
    } catch {
      timer = setTimeout(run, retryMs);
    }
  };

  const schedule = () => {
    clearTimeout(timer);
    const { expiresAt, lifetimeMs, refreshToken } = auth.getState();
    if (expiresAt === null || !refreshToken) return;
    const lead = Math.min(leadMs, (lifetimeMs ?? leadMs * 4) / 4);
    timer = setTimeout(run, Math.max(0, expiresAt - lead - now()));
  };

  schedule();
  const unsubscribe = auth.subscribe((s, prev) => {
    if (s.expiresAt !== prev.expiresAt || s.refreshToken !== prev.refreshToken) schedule();
  });
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}
