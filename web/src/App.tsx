import { lazy, Suspense } from 'react';
import { AuthScreen } from './components/AuthScreen.tsx';
import { useAuth } from './stores/context.tsx';

// The chat (markdown, tool cards, panels) is most of the code; the sign-in screen loads without it.
const ChatScreen = lazy(() => import('./components/ChatScreen.tsx'));

export function App() {
  const userId = useAuth((s) => s.user?.id ?? null);
  if (!userId) return <AuthScreen />;
  // Keyed by user: signing out unmounts the chat, which closes the socket and forgets its state.
  return (
    <Suspense fallback={<p className="splash">Loading…</p>}>
      <ChatScreen key={userId} />
    </Suspense>
  );
}
