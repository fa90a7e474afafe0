import { createApi } from '../api/api.ts';
import type { FetchFn } from '../api/http.ts';
import type { SocketFactory } from '../realtime/socket.ts';
import { createAuthStore } from './authStore.ts';
import { createChatStore } from './chatStore.ts';
import type { Stores } from './context.tsx';
import { createUiStore } from './uiStore.ts';

export interface StoreDeps {
  fetch: FetchFn;
  connectSocket: SocketFactory;
  debugByDefault: boolean;
  locks?: Pick<LockManager, 'request'>;
}

/** Every store of the app, wired together; tests build their own with fakes where the world is out of reach. */
export function createStores(deps: StoreDeps): Stores {
  const auth = createAuthStore({ fetch: deps.fetch, locks: deps.locks });
  const api = createApi({ fetch: deps.fetch, auth });
  const chat = createChatStore({ auth, api, connectSocket: deps.connectSocket });
  const ui = createUiStore({ debugByDefault: deps.debugByDefault });
  return { auth, api, chat, ui };
}
