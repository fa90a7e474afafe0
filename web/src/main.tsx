import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { createSocketFactory } from './realtime/socket.ts';
import { syncAuthAcrossTabs } from './stores/authStore.ts';
import { StoresProvider } from './stores/context.tsx';
import { createStores } from './stores/createStores.ts';
import { keepTokenFresh } from './stores/tokenRefresher.ts';
import './styles.css';

const stores = createStores({
  fetch: (input, init) => fetch(input, init),
  connectSocket: createSocketFactory(),
  debugByDefault: import.meta.env.DEV,
  locks: navigator.locks,
});
syncAuthAcrossTabs(stores.auth);
keepTokenFresh(stores.auth);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>
  </StrictMode>,
);
