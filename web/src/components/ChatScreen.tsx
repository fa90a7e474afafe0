import { lazy, Suspense, useEffect } from 'react';
import { pathForSession, sessionIdFromPath } from '../lib/route.ts';
import { useStores, useUi } from '../stores/context.tsx';
import { ChatView } from './ChatView.tsx';
import { EmailPanel } from './EmailPanel.tsx';
import { loadMarkdown } from './LazyMarkdown.tsx';
import { Sidebar } from './Sidebar.tsx';
import { TopBar } from './TopBar.tsx';

const DebugPanel = lazy(() => import('./DebugPanel.tsx'));

/** The signed-in app: connects on mount, disconnects (and forgets everything) on unmount. */
export default function ChatScreen() {
  const { chat, ui } = useStores();
  const debugOpen = useUi((s) => s.debugOpen);
  const sidebarOpen = useUi((s) => s.sidebarOpen);
  const emailOpen = useUi((s) => s.openEmailId !== null);

  useEffect(() => {
    void loadMarkdown();
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
      // Signed out: the next person sees neither the previous user's chat in the address bar nor their drafts.
      if (location.pathname !== '/') history.replaceState(null, '', '/');
      ui.setState({ draft: '', drafts: {}, openEmailId: null });
    };
  }, [chat, ui]);

  return (
    <div className={`app${debugOpen ? ' with-debug' : ''}${emailOpen ? ' with-email' : ''}`}>
      <a className="skip-link" href="#composer-input">
        Skip to the message box
      </a>
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
