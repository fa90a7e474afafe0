import { chatAsMarkdown, exportFileName } from '../chat/exportMarkdown.ts';
import { selectCurrentChat } from '../stores/chatStore.ts';
import { useChat, useStores, useUi } from '../stores/context.tsx';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { MenuIcon } from './icons.tsx';
import { MailAccountsButton } from '../mail/MailAccountsPanel.tsx';
import { AccountActions } from './Sidebar.tsx';

export function TopBar() {
  const { ui, chat } = useStores();
  const canExport = useChat((s) => (selectCurrentChat(s)?.items.length ?? 0) > 0);
  const exportChat = () => {
    const current = selectCurrentChat(chat.getState());
    if (!current) return;
    const blob = new Blob([chatAsMarkdown(title, current)], { type: 'text/markdown;charset=utf-8' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = exportFileName(title);
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
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
      {canExport ? (
        <button type="button" className="button button-quiet" onClick={exportChat} title="Download this chat as Markdown">
          Export
        </button>
      ) : null}
      <ConnectionBadge />
      <MailAccountsButton />
      <AccountActions className="topbar-actions" />
    </header>
  );
}
