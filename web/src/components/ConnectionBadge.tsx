import { useChat } from '../stores/context.tsx';
import type { ConnectionState } from '../stores/chatStore.ts';

const LABELS: Record<ConnectionState, string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

export function ConnectionBadge() {
  const state = useChat((s) => s.connection);
  return (
    <span className={`badge badge-${state}`} role="status" aria-live="polite" data-connection={state}>
      <span className="badge-dot" aria-hidden="true" />
      <span className="badge-label">{LABELS[state]}</span>
    </span>
  );
}
