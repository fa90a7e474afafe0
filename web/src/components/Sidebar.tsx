import { useEffect, useRef, useState } from 'react';
import type { ChatSessionDto } from '../../../shared/api.ts';
import { langOf } from '../lib/format.ts';
import { useAuth, useChat, useStores, useUi } from '../stores/context.tsx';
import { PencilIcon, TrashIcon } from './icons.tsx';

function SessionRow({ session, current }: { session: ChatSessionDto; current: boolean }) {
  const { chat, ui } = useStores();
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm-delete'>('view');
  const [title, setTitle] = useState(session.title);
  const input = useRef<HTMLInputElement>(null);
  const openButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (mode === 'rename') {
      input.current?.focus();
      input.current?.select();
    }
  }, [mode]);

  const done = () => {
    setMode('view');
    openButton.current?.focus();
  };

  const saving = useRef(false);
  async function saveTitle() {
    // Enter submits and the input's blur follows: save once.
    if (saving.current) return;
    saving.current = true;
    if (title.trim() && title.trim() !== session.title) await chat.getState().renameSession(session.id, title);
    saving.current = false;
    done();
  }

  if (mode === 'rename') {
    return (
      <li className="session-row editing">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void saveTitle();
          }}
        >
          <label className="visually-hidden" htmlFor={`rename-${session.id}`}>
            New title
          </label>
          <input
            id={`rename-${session.id}`}
            ref={input}
            value={title}
            maxLength={200}
            onChange={(e) => setTitle(e.target.value)}
            onBlur={() => void saveTitle()}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
                setTitle(session.title);
                done();
              }
            }}
          />
        </form>
      </li>
    );
  }

  return (
    <li className={`session-row${current ? ' current' : ''}`}>
      <button
        ref={openButton}
        type="button"
        className="session-open"
        aria-current={current ? 'page' : undefined}
        onClick={() => {
          void chat.getState().openSession(session.id);
          ui.getState().setSidebarOpen(false);
        }}
        lang={langOf(session.title)}
      >
        {session.title}
      </button>
      {mode === 'confirm-delete' ? (
        <span className="session-confirm" role="group" aria-label={`Delete “${session.title}”?`}>
          <button type="button" className="link-button danger" onClick={() => void chat.getState().deleteSession(session.id)} autoFocus>
            Delete
          </button>
          <button type="button" className="link-button" onClick={done}>
            Keep
          </button>
        </span>
      ) : (
        <span className="session-actions">
          <button
            type="button"
            className="icon-button"
            aria-label={`Rename “${session.title}”`}
            title="Rename"
            onClick={() => {
              setTitle(session.title);
              setMode('rename');
            }}
          >
            <PencilIcon />
          </button>
          <button type="button" className="icon-button" aria-label={`Delete “${session.title}”`} title="Delete" onClick={() => setMode('confirm-delete')}>
            <TrashIcon />
          </button>
        </span>
      )}
    </li>
  );
}

export function Sidebar() {
  const { chat, ui } = useStores();
  const sessions = useChat((s) => s.sessions);
  const loaded = useChat((s) => s.sessionsLoaded);
  const currentId = useChat((s) => s.currentSessionId);
  const open = useUi((s) => s.sidebarOpen);
  const nav = useRef<HTMLElement>(null);
  // The drawer (phones) takes the focus when it opens and gives it back to the menu button when it closes.
  const wasOpen = useRef(open);
  useEffect(() => {
    if (open) nav.current?.querySelector<HTMLButtonElement>('button')?.focus();
    else if (wasOpen.current) document.querySelector<HTMLButtonElement>('.menu-button')?.focus();
    wasOpen.current = open;
  }, [open]);
  return (
    <nav
      ref={nav}
      className={`sidebar${open ? ' open' : ''}`}
      aria-label="Conversations"
      id="sidebar"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.preventDefault();
          ui.getState().setSidebarOpen(false);
        }
      }}
    >
      <button
        type="button"
        className="button button-new"
        onClick={() => {
          void chat.getState().openSession(null);
          ui.getState().setSidebarOpen(false);
        }}
      >
        + New chat
      </button>
      {loaded && sessions.length === 0 ? <p className="sidebar-note">Your conversations will appear here.</p> : null}
      <ul className="session-list">
        {sessions.map((s) => (
          <SessionRow key={s.id} session={s} current={s.id === currentId} />
        ))}
      </ul>
      <AccountActions className="sidebar-footer" />
    </nav>
  );
}

/** Debug toggle, who is signed in, and sign-out: in the top bar on wide screens, at the foot of the drawer on phones. */
export function AccountActions({ className }: { className: string }) {
  const { auth, ui } = useStores();
  const user = useAuth((s) => s.user);
  const debugOpen = useUi((s) => s.debugOpen);
  return (
    <div className={className}>
      <button type="button" className="button button-quiet" aria-pressed={debugOpen} onClick={() => ui.getState().toggleDebug()}>
        Debug
      </button>
      <span className="user-name" title={user?.email}>
        {user?.name}
      </span>
      <button type="button" className="button button-quiet" onClick={() => void auth.getState().logout()}>
        Sign out
      </button>
    </div>
  );
}
