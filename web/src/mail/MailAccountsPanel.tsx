import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { MailAccountDto } from '../../../shared/api.ts';
import { ApiError } from '../api/http.ts';
import { useChat, useStores } from '../stores/context.tsx';

const message = (err: unknown) => (err instanceof Error ? err.message : 'Something went wrong. Please try again.');

function when(iso: string | null): string {
  if (!iso) return 'never';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Top-bar button: opens the mail accounts dialog; a badge counts mail synced since it was last opened. */
export function MailAccountsButton() {
  const [open, setOpen] = useState(false);
  const { chat } = useStores();
  const newMail = useChat((s) => s.mail.newMail);
  return (
    <>
      <button
        type="button"
        className="button button-quiet"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => {
          setOpen(true);
          chat.getState().markMailSeen();
        }}
      >
        Mail accounts
        {newMail > 0 ? (
          <span className="mail-badge" aria-label={`${newMail} new emails`}>
            {newMail}
          </span>
        ) : null}
      </button>
      {open ? <MailAccountsPanel onClose={() => setOpen(false)} /> : null}
    </>
  );
}

/** Add an IMAP account, see each account's sync status, sync now, remove. Follows sync events live. */
export function MailAccountsPanel({ onClose }: { onClose: () => void }) {
  const { api, chat } = useStores();
  const [accounts, setAccounts] = useState<MailAccountDto[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState<Record<string, string>>({});
  const [rowError, setRowError] = useState<Record<string, string>>({});
  const mailEvents = useChat((s) => s.mail.events);
  const titleId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);

  const reload = useCallback(async () => {
    try {
      setAccounts(await api.mailAccounts.list());
      setLoadError(null);
    } catch (err) {
      setLoadError(message(err));
    }
  }, [api]);

  // Every sync event (started, finished, new mail) refreshes the list; also keeps the new-mail badge at zero while open.
  useEffect(() => {
    void reload();
    chat.getState().markMailSeen();
  }, [reload, mailEvents, chat]);

  useEffect(() => {
    dialogRef.current?.querySelector<HTMLElement>('input, button')?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const act = async (id: string, label: string, fn: () => Promise<unknown>) => {
    setBusy((b) => ({ ...b, [id]: label }));
    setRowError(({ [id]: _, ...rest }) => rest);
    try {
      await fn();
      await reload();
    } catch (err) {
      setRowError((e) => ({ ...e, [id]: message(err) }));
    } finally {
      setBusy(({ [id]: _, ...rest }) => rest);
    }
  };

  return (
    <div className="mail-dialog-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div className="mail-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} ref={dialogRef}>
        <div className="panel-header">
          <h2 id={titleId}>Mail accounts</h2>
          <button type="button" className="button button-quiet" onClick={onClose}>
            Close
          </button>
        </div>
        {loadError ? (
          <p className="panel-error" role="alert">
            {loadError}
          </p>
        ) : null}
        {accounts === null && !loadError ? <p>Loading…</p> : null}
        {accounts?.length === 0 ? <p className="mail-empty">No mailbox connected yet. Add one below.</p> : null}
        <ul className="mail-accounts" aria-label="Connected mailboxes">
          {accounts?.map((a) => (
            <li key={a.id} className="mail-account" data-status={a.status}>
              <div className="mail-account-head">
                <strong>{a.label}</strong>
                <span className={`mail-status mail-status-${a.status}`}>{a.status === 'idle' ? 'up to date' : a.status}</span>
              </div>
              <div className="mail-account-meta">
                {a.host}:{a.port} · {a.mailboxes.join(', ')}
              </div>
              <div className="mail-account-meta">
                <span data-testid="message-count">{a.messageCount.toLocaleString()} emails</span> · last sync {when(a.lastSyncedAt)}
              </div>
              {a.lastError ? (
                <p className="panel-error" role="alert">
                  {a.lastError}
                </p>
              ) : null}
              {rowError[a.id] ? (
                <p className="panel-error" role="alert">
                  {rowError[a.id]}
                </p>
              ) : null}
              <div className="mail-account-actions">
                <button
                  type="button"
                  className="button"
                  disabled={Boolean(busy[a.id]) || a.status === 'syncing'}
                  onClick={() => void act(a.id, 'sync', () => api.mailAccounts.sync(a.id))}
                >
                  {a.status === 'syncing' ? 'Syncing…' : 'Sync now'}
                </button>
                <button
                  type="button"
                  className="button button-quiet"
                  disabled={Boolean(busy[a.id])}
                  onClick={() => {
                    if (confirm(`Remove ${a.label}? Its synced emails are removed from Agentwire (not from the server).`)) {
                      void act(a.id, 'remove', () => api.mailAccounts.remove(a.id));
                    }
                  }}
                >
                  {busy[a.id] === 'remove' ? 'Removing…' : 'Remove'}
                </button>
              </div>
            </li>
          ))}
        </ul>
        <AddAccountForm onAdded={() => void reload()} />
      </div>
    </div>
  );
}

function AddAccountForm({ onAdded }: { onAdded: () => void }) {
  const { api } = useStores();
  const [host, setHost] = useState('');
  const [port, setPort] = useState('993');
  const [tls, setTls] = useState(true);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [folders, setFolders] = useState('INBOX, Sent');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const mailboxes = folders.split(',').map((f) => f.trim()).filter(Boolean);
      await api.mailAccounts.add({ host: host.trim(), port: Number(port), tls, username: username.trim(), password, ...(mailboxes.length ? { mailboxes } : {}) });
      setPassword('');
      setHost('');
      setUsername('');
      onAdded();
    } catch (err) {
      setError(err instanceof ApiError && err.type === 'validation_error' ? err.message.replace(/^Mail account is invalid: /, '') : message(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="mail-add" onSubmit={(e) => void submit(e)} aria-label="Add a mailbox">
      <h3>Add a mailbox (IMAP)</h3>
      <label>
        IMAP server
        <input name="host" value={host} onChange={(e) => setHost(e.target.value)} placeholder="imap.example.com" required autoComplete="off" />
      </label>
      <div className="mail-add-row">
        <label>
          Port
          <input
            name="port"
            value={port}
            onChange={(e) => setPort(e.target.value)}
            inputMode="numeric"
            pattern="[0-9]*"
            required
            size={6}
          />
        </label>
        <label className="mail-add-check">
          <input
            type="checkbox"
            name="tls"
            checked={tls}
            onChange={(e) => {
              setTls(e.target.checked);
              if (port === '993' || port === '143') setPort(e.target.checked ? '993' : '143');
            }}
          />
          TLS
        </label>
      </div>
      <label>
        User name
        <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoComplete="username" />
      </label>
      <label>
        Password
        <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
      </label>
      <label>
        Folders
        <input name="mailboxes" value={folders} onChange={(e) => setFolders(e.target.value)} />
      </label>
      {error ? (
        <p className="panel-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={saving}>
        {saving ? 'Connecting…' : 'Add mailbox'}
      </button>
    </form>
  );
}
