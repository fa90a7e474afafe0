import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  AuthResponseSchema,
  TokenPairSchema,
  type LoginBody,
  type PublicUser,
  type RegisterBody,
  type TokenPair,
} from '../../../shared/api.ts';
import { ApiError, requestJson, type FetchFn } from '../api/http.ts';

export const AUTH_STORAGE_KEY = 'agentwire.auth';
const REFRESH_LOCK = 'agentwire.auth.refresh';
export const SESSION_EXPIRED_NOTICE = 'Your session has expired. Please sign in again.';

export interface AuthState {
  user: PublicUser | null;
  accessToken: string | null;
  refreshToken: string | null;
  /** When the access token expires (ms since epoch). */
  expiresAt: number | null;
  /** How long the current access token was issued for, to pick when to refresh it. */
  lifetimeMs: number | null;
  /** Why the user was signed out, shown on the sign-in screen. */
  notice: string | null;

  login(body: LoginBody): Promise<void>;
  register(body: RegisterBody): Promise<void>;
  logout(notice?: string): Promise<void>;
  /**
   * Rotates the tokens. Resolves to the new access token, or null when the
   * server refused the refresh token (the user is then signed out). Network
   * failures reject and leave the session as it is.
   */
  refresh(): Promise<string | null>;
  /** The access token, refreshed first when it expires within `marginMs`. */
  freshAccessToken(marginMs?: number): Promise<string | null>;
  clearNotice(): void;
}

export interface AuthDeps {
  fetch: FetchFn;
  /** Where tokens persist; localStorage in the browser. */
  storage?: StateStorage;
  now?: () => number;
  /** Web Locks: one tab at a time rotates the shared refresh token. */
  locks?: Pick<LockManager, 'request'>;
}

export type AuthStore = StoreApi<AuthState> & {
  persist: { rehydrate(): Promise<void> | void };
};

const signedOut = { user: null, accessToken: null, refreshToken: null, expiresAt: null, lifetimeMs: null };

export function createAuthStore(deps: AuthDeps): AuthStore {
  const now = deps.now ?? Date.now;
  let inflight: Promise<string | null> | null = null;

  const tokens = (pair: TokenPair) => ({
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    expiresAt: now() + pair.expiresIn * 1000,
    lifetimeMs: pair.expiresIn * 1000,
  });

  const store = createStore<AuthState>()(
    persist(
      (set, get) => {
        async function rotate(startedWith: string): Promise<string | null> {
          // Another tab may have rotated (or signed out) while this one waited for the lock.
          await store.persist.rehydrate();
          const current = get();
          if (!current.refreshToken) return null;
          if (current.refreshToken !== startedWith && current.accessToken) return current.accessToken;
          try {
            const pair = await requestJson(deps.fetch, '/api/auth/refresh', {
              method: 'POST',
              body: { refreshToken: current.refreshToken },
              schema: TokenPairSchema,
            });
            set(tokens(pair));
            return pair.accessToken;
          } catch (err) {
            if (err instanceof ApiError && err.status < 500) {
              await get().logout(SESSION_EXPIRED_NOTICE);
              return null;
            }
            throw err;
          }
        }

        return {
          ...signedOut,
          notice: null,

          async login(body) {
            const res = await requestJson(deps.fetch, '/api/auth/login', { method: 'POST', body, schema: AuthResponseSchema });
            set({ user: res.user, ...tokens(res), notice: null });
          },

          async register(body) {
            const res = await requestJson(deps.fetch, '/api/auth/register', { method: 'POST', body, schema: AuthResponseSchema });
            set({ user: res.user, ...tokens(res), notice: null });
          },

          async logout(notice) {
            const { refreshToken } = get();
            set({ ...signedOut, notice: notice ?? null });
            if (refreshToken) {
              // Best effort: the tokens are gone from this browser either way.
              await requestJson(deps.fetch, '/api/auth/logout', { method: 'POST', body: { refreshToken } }).catch(() => undefined);
            }
          },

          refresh() {
            const startedWith = get().refreshToken;
            if (!startedWith) return Promise.resolve(null);
            const locks = deps.locks;
            const run = async (): Promise<string | null> =>
              locks ? await locks.request(REFRESH_LOCK, () => rotate(startedWith)) : rotate(startedWith);
            inflight ??= run().finally(() => {
              inflight = null;
            });
            return inflight;
          },

          async freshAccessToken(marginMs = 30_000) {
            const { accessToken, expiresAt } = get();
            if (!accessToken) return null;
            if (expiresAt !== null && expiresAt - now() > marginMs) return accessToken;
            try {
              return await get().refresh();
            } catch {
              // Offline: let the server judge the token we have.
              return get().accessToken;
            }
          },

          clearNotice() {
            set({ notice: null });
          },
        };
      },
      {
        name: AUTH_STORAGE_KEY,
        storage: createJSONStorage(() => deps.storage ?? localStorage),
        partialize: (s) => ({
          user: s.user,
          accessToken: s.accessToken,
          refreshToken: s.refreshToken,
          expiresAt: s.expiresAt,
          lifetimeMs: s.lifetimeMs,
        }),
      },
    ),
  );
  return store as AuthStore;
}

/** Follows sign-in, rotation and sign-out done in other tabs of this browser. */
export function syncAuthAcrossTabs(store: AuthStore, target: Window = window): () => void {
  const onStorage = (e: StorageEvent) => {
    if (e.key === AUTH_STORAGE_KEY) void store.persist.rehydrate();
  };
  target.addEventListener('storage', onStorage);
  return () => target.removeEventListener('storage', onStorage);
}
