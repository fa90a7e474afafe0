import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import { createStore, type StoreApi } from 'zustand/vanilla';

export interface UiState {
  /** The debug panel; open by default in development. */
  debugOpen: boolean;
  /** The sessions drawer on narrow screens. */
  sidebarOpen: boolean;
  /** The email shown in the side panel. */
  openEmailId: string | null;
  /** What is in the composer, so a failed message's text can come back to it. */
  draft: string;
  toggleDebug(): void;
  setSidebarOpen(open: boolean): void;
  openEmail(id: string | null): void;
  setDraft(text: string): void;
}

export type UiStore = StoreApi<UiState>;

export function createUiStore(opts: { debugByDefault: boolean; storage?: StateStorage }): UiStore {
  return createStore<UiState>()(
    persist(
      (set) => ({
        debugOpen: opts.debugByDefault,
        sidebarOpen: false,
        openEmailId: null,
        draft: '',
        toggleDebug: () => set((s) => ({ debugOpen: !s.debugOpen })),
        setSidebarOpen: (open) => set({ sidebarOpen: open }),
        openEmail: (id) => set({ openEmailId: id }),
        setDraft: (text) => set({ draft: text }),
      }),
      {
        name: 'agentwire.ui',
        storage: createJSONStorage(() => opts.storage ?? localStorage),
        partialize: (s) => ({ debugOpen: s.debugOpen }),
      },
    ),
  );
}
