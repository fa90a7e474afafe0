import { lazy, Suspense, useEffect } from 'react';
import { pathForSession, sessionIdFromPath } from '../lib/route.ts';
import { useStores, useUi } from '../stores/context.tsx';
import { ChatView } from './ChatView.tsx';
import { EmailPanel } from './EmailPanel.tsx';
import { Sidebar } from './Sidebar.tsx';
import { TopBar } from './TopBar.tsx';

const DebugPanel = lazy(() => import('./DebugPanel.tsx'));

/** The signed-in app: connects on mount, disconnects (and forgets everything) on unmount. */
export default function ChatScreen() {
  const { chat, ui } = useStores();
  const debugOpen = useUi((s) => s.debugOpen);
  const sidebarOpen = useUi((s) => s.sidebarOpen);

  useEffect(() => {
    chat.getState().start();
    void chat.getState().openSession(sessionIdFromPath(location.pathname));
    const onPopState = () => void chat.getState().openSession(sessionIdFromPath(location.pathname));
    window.addEventListener('popstate', onPopState);
    const unsubscribe = chat.subscribe((s, prev) => {
      if (s.currentSessionId === prev.currentSessionId) return;
      const path = pathForSession(s.currentSessionId);
      if (location.pathname !== path) history.pushState(null, '', path);
    });
    return () => {
      window.removeEventListener('popstate', onPopState);
      unsubscribe();
      chat.getState().stop();
    };
  }, [chat]);

  return (
    <div className={`app${debugOpen ? ' with-debug' : ''}`}>
      <TopBar />
      <div className="layout">
        <Sidebar />
        {sidebarOpen ? <div className="scrim" onClick={() => ui.getState().setSidebarOpen(false)} aria-hidden="true" /> : null}
        <ChatView />
        <EmailPanel />
        {debugOpen ? (
          <Suspense fallback={<aside className="debug-panel">Loading…</aside>}>
            <DebugPanel />
          </Suspense>
        ) : null}
      </div>
    </div>
  );
}
