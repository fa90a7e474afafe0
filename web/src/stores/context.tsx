import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { Api } from '../api/api.ts';
import type { AuthState, AuthStore } from './authStore.ts';
import type { ChatState, ChatStore } from './chatStore.ts';
import type { UiState, UiStore } from './uiStore.ts';

export interface Stores {
  auth: AuthStore;
  chat: ChatStore;
  ui: UiStore;
  api: Api;
}

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores outside <StoresProvider>');
  return stores;
}

export const useAuth = <T,>(selector: (s: AuthState) => T): T => useStore(useStores().auth, selector);
export const useChat = <T,>(selector: (s: ChatState) => T): T => useStore(useStores().chat, selector);
export const useUi = <T,>(selector: (s: UiState) => T): T => useStore(useStores().ui, selector);
