import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import { createStore, type StoreApi } from 'zustand/vanilla';

export interface UiState {
  /** The debug panel; open by default in development. */
  debugOpen: boolean;
  /** The sessions drawer on narrow screens. */
  sidebarOpen: boolean;
  /** The email shown in the side panel. */
  openEmailId: string | null;
  /** What is in the composer (of the chat shown), so a failed message's text can come back to it. */
  draft: string;
  /** Unsent drafts per chat ('new' for a chat not created yet); kept across reloads. */
  drafts: Record<string, string>;
  draftKey: string;
  /** Shows the draft of another chat (the current one is kept for when it comes back). */
  switchDraft(sessionId: string | null): void;
  toggleDebug(): void;
  setSidebarOpen(open: boolean): void;
  openEmail(id: string | null): void;
  setDraft(text: string): void;
}

export type UiStore = StoreApi<UiState>;

const NEW_CHAT = 'new';

export function createUiStore(opts: { debugByDefault: boolean; storage?: StateStorage }): UiStore {
  return createStore<UiState>()(
    persist(
      (set) => ({
        debugOpen: opts.debugByDefault,
        sidebarOpen: false,
        openEmailId: null,
        draft: '',
        drafts: {},
        draftKey: NEW_CHAT,
        switchDraft: (sessionId) =>
          set((s) => {
            const key = sessionId ?? NEW_CHAT;
            if (key === s.draftKey) return {};
            return { draftKey: key, draft: s.drafts[key] ?? '' };
          }),
        toggleDebug: () => set((s) => ({ debugOpen: !s.debugOpen })),
        setSidebarOpen: (open) => set({ sidebarOpen: open }),
        openEmail: (id) => set({ openEmailId: id }),
        setDraft: (text) =>
          set((s) => {
            const drafts = { ...s.drafts };
            if (text) drafts[s.draftKey] = text;
            else delete drafts[s.draftKey];
            return { draft: text, drafts };
          }),
      }),
      {
        name: 'agentwire.ui',
        storage: createJSONStorage(() => opts.storage ?? localStorage),
        partialize: (s) => ({ debugOpen: s.debugOpen, drafts: s.drafts }),
        // The draft shown follows the chat in the address bar, not the last one stored.
        merge: (persisted, current) => {
          const p = (persisted ?? {}) as Partial<UiState>;
          const drafts = p.drafts ?? {};
          return { ...current, ...p, drafts, draft: drafts[current.draftKey] ?? '' };
        },
      },
    ),
  );
}
