import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createApi } from '../api/api.ts';
import type { FetchFn } from '../api/http.ts';
import type { SocketFactory } from '../realtime/socket.ts';
import { createAuthStore } from '../stores/authStore.ts';
import { createChatStore } from '../stores/chatStore.ts';
import { StoresProvider, type Stores } from '../stores/context.tsx';
import { createUiStore } from '../stores/uiStore.ts';

const noSocket: SocketFactory = () => {
  throw new Error('this test does not connect');
};

/** Real stores around a component; the network is whatever the test passes. */
export function renderWithStores(ui: ReactNode, opts: { fetch?: FetchFn; connectSocket?: SocketFactory } = {}) {
  const fetch: FetchFn = opts.fetch ?? (() => Promise.reject(new TypeError('no network in this test')));
  const auth = createAuthStore({ fetch });
  const api = createApi({ fetch, auth });
  const stores: Stores = {
    auth,
    api,
    chat: createChatStore({ auth, api, connectSocket: opts.connectSocket ?? noSocket, eventBatchMs: 0 }),
    ui: createUiStore({ debugByDefault: false }),
  };
  return { stores, ...render(<StoresProvider stores={stores}>{ui}</StoresProvider>) };
}
