import { useEffect, useRef, useState } from 'react';
import type { ChatSessionDto, SessionSearchHit } from '../../../shared/api.ts';
import { groupSessions, sessionDate } from '../chat/sessionGroups.ts';
import { toUiError } from '../lib/errors.ts';
import { langOf } from '../lib/format.ts';
import { useAuth, useChat, useStores, useUi } from '../stores/context.tsx';
import { PencilIcon, TrashIcon } from './icons.tsx';

function SessionRow({ session, current, snippet }: { session: ChatSessionDto; current: boolean; snippet?: string | null }) {
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
        title={session.title}
        lang={langOf(session.title)}
        aria-labelledby={`session-name-${session.id}`}
        aria-describedby={`session-date-${session.id}${snippet ? ` session-snippet-${session.id}` : ''}`}
      >
        <span className="session-name" id={`session-name-${session.id}`}>
          {session.title}
        </span>
      </button>
      <time className="session-date" id={`session-date-${session.id}`} dateTime={session.updatedAt} lang="en">
        {sessionDate(session.updatedAt, Date.now())}
      </time>
      {snippet ? (
        <span className="session-snippet" id={`session-snippet-${session.id}`} lang={langOf(snippet) ?? 'en'}>
          {snippet}
        </span>
      ) : null}
      {mode === 'confirm-delete' ? (
        <span className="session-confirm" role="group" aria-label={`Delete “${session.title}”?`}>
          <button
            type="button"
            className="link-button danger"
            onClick={async () => {
              // The row goes away: the focus moves to the next chat (or New chat), never to <body>.
              const row = openButton.current?.closest('li');
              const next = row?.nextElementSibling ?? row?.previousElementSibling;
              if (await chat.getState().deleteSession(session.id)) {
                const target = next?.querySelector<HTMLButtonElement>('.session-open') ?? document.querySelector<HTMLButtonElement>('.button-new');
                target?.focus();
              }
            }}
            autoFocus
          >
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
  const [hits, setHits] = useState<SessionSearchHit[] | null>(null);
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
      <SearchBox onResults={setHits} />
      {hits ? (
        <section aria-label="Search results">
          <p className="sidebar-note" role="status">
            {hits.length === 0 ? 'No chats match.' : `${hits.length} chat${hits.length === 1 ? '' : 's'} found`}
          </p>
          <ul className="session-list">
            {hits.map((h) => (
              <SessionRow key={h.session.id} session={h.session} current={h.session.id === currentId} snippet={h.snippet} />
            ))}
          </ul>
        </section>
      ) : (
        <>
          {loaded && sessions.length === 0 ? <p className="sidebar-note">Your conversations will appear here.</p> : null}
          {groupSessions(sessions, Date.now()).map((g) => (
            <section key={g.label} className="session-group" aria-label={g.label}>
              <h2 className="session-group-label">{g.label}</h2>
              <ul className="session-list">
                {g.sessions.map((s) => (
                  <SessionRow key={s.id} session={s} current={s.id === currentId} />
                ))}
              </ul>
            </section>
          ))}
        </>
      )}
      <AccountActions className="sidebar-footer" />
    </nav>
  );
}

/** Searches chat titles and messages on the server as you type (debounced); Escape clears. */
function SearchBox({ onResults }: { onResults: (hits: SessionSearchHit[] | null) => void }) {
  const { api, chat } = useStores();
  const [q, setQ] = useState('');
  useEffect(() => {
    const text = q.trim();
    if (!text) {
      onResults(null);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      api
        .searchSessions(text)
        .then((hits) => current && onResults(hits))
        .catch((err) => current && chat.setState({ banner: toUiError(err) }));
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [q, api, chat, onResults]);
  return (
    <search className="session-search">
      <label htmlFor="session-search" className="visually-hidden">
        Search chats
      </label>
      <input
        id="session-search"
        type="search"
        placeholder="Search chats"
        value={q}
        maxLength={200}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && q) {
            e.preventDefault();
            e.stopPropagation();
            setQ('');
          }
        }}
      />
    </search>
  );
}

/** Debug toggle, who is signed in, and sign-out: in the top bar on wide screens, at the foot of the drawer on phones. */
export function AccountActions({ className }: { className: string }) {
  const { auth, ui } = useStores();
  const user = useAuth((s) => s.user);
  const debugOpen = useUi((s) => s.debugOpen);
  return (
    <div className={className}>
      <button
        type="button"
        className="button button-quiet"
        aria-pressed={debugOpen}
        onClick={() => {
          ui.getState().toggleDebug();
          // On a phone the panel opens over the chat: the drawer it was asked from would cover it.
          ui.getState().setSidebarOpen(false);
        }}
      >
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
