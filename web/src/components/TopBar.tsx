import { useChat, useStores, useUi } from '../stores/context.tsx';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { MenuIcon } from './icons.tsx';
import { MailAccountsButton } from '../mail/MailAccountsPanel.tsx';
import { AccountActions } from './Sidebar.tsx';

export function TopBar() {
  const { ui } = useStores();
  const sidebarOpen = useUi((s) => s.sidebarOpen);
  const title = useChat((s) => s.sessions.find((x) => x.id === s.currentSessionId)?.title ?? 'New chat');
  return (
    <header className="topbar">
      <button
        type="button"
        className="icon-button menu-button"
        aria-label="Conversations"
        aria-controls="sidebar"
        aria-expanded={sidebarOpen}
        onClick={() => ui.getState().setSidebarOpen(!sidebarOpen)}
      >
        <MenuIcon />
      </button>
      <span className="brand">Agentwire</span>
      <h1 className="session-title" title={title}>
        {title}
      </h1>
      <ConnectionBadge />
      <MailAccountsButton />
      <AccountActions className="topbar-actions" />
    </header>
  );
}
