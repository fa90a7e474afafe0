import type { StoreApi } from 'zustand/vanilla';

/** Resolves with the first state that satisfies the predicate (checked now and on every change). */
export function waitForState<S>(store: StoreApi<S>, predicate: (s: S) => boolean, timeoutMs = 5000): Promise<S> {
  return new Promise((resolve, reject) => {
    if (predicate(store.getState())) return resolve(store.getState());
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`state not reached within ${timeoutMs} ms: ${JSON.stringify(store.getState(), (_k, v) => (typeof v === 'function' ? undefined : v)).slice(0, 800)}`));
    }, timeoutMs);
    const unsubscribe = store.subscribe((s) => {
      if (!predicate(s)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(s);
    });
  });
}
