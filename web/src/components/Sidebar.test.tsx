import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { ChatSessionDto } from '../../../shared/api.ts';
import type { FetchFn } from '../api/http.ts';
import { renderWithStores } from '../test/renderApp.tsx';
import { Sidebar } from './Sidebar.tsx';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const session = (id: string, title: string): ChatSessionDto => ({ id, title, createdAt: '2026-11-20T00:00:00.000Z', updatedAt: '2026-11-20T00:00:00.000Z' });

/** The sessions endpoints over an in-memory list. */
function sessionsServer() {
  const sessions = [session(A, 'Q3 budget'), session(B, '李伟的邮件')];
  const fetch: FetchFn = async (path, init) => {
    const id = path.split('/').pop()!;
    const s = sessions.find((x) => x.id === id)!;
    if (init?.method === 'PATCH') {
      s.title = JSON.parse(String(init.body)).title;
      return new Response(JSON.stringify(s), { status: 200 });
    }
    if (init?.method === 'DELETE') {
      sessions.splice(sessions.indexOf(s), 1);
      return new Response(null, { status: 204 });
    }
    return new Response(JSON.stringify({ items: sessions }), { status: 200 });
  };
  return { sessions, fetch };
}

async function setup() {
  const server = sessionsServer();
  const r = renderWithStores(<Sidebar />, { fetch: server.fetch });
  r.stores.auth.setState({ accessToken: 't', refreshToken: 'r', expiresAt: Date.now() + 600_000 });
  await act(() => r.stores.chat.getState().loadSessions());
  act(() => r.stores.chat.setState({ currentSessionId: A }));
  return { ...r, server };
}

describe('the sessions sidebar', () => {
  test('lists the sessions and marks the current one', async () => {
    await setup();
    const nav = screen.getByRole('navigation', { name: 'Conversations' });
    const titles = within(nav).getAllByRole('listitem').map((li) => li.querySelector('.session-name')!.textContent);
    expect(titles).toEqual(['Q3 budget', '李伟的邮件']);
    expect(screen.getByRole('button', { name: 'Q3 budget' }).getAttribute('aria-current')).toBe('page');
    expect(screen.getByRole('button', { name: '李伟的邮件' }).getAttribute('lang')).toBe('zh-CN');
  });

  test('rename edits the title in place: Enter saves, and the server keeps it', async () => {
    const { server } = await setup();
    fireEvent.click(screen.getByRole('button', { name: 'Rename “Q3 budget”' }));
    const input = screen.getByLabelText('New title') as HTMLInputElement;
    expect(document.activeElement).toBe(input);
    fireEvent.change(input, { target: { value: 'Q3 budget, final' } });
    fireEvent.submit(input.closest('form')!);
    await screen.findByRole('button', { name: 'Q3 budget, final' });
    expect(server.sessions[0]!.title).toBe('Q3 budget, final');
  });

  test('Escape cancels a rename', async () => {
    const { server } = await setup();
    fireEvent.click(screen.getByRole('button', { name: 'Rename “Q3 budget”' }));
    const input = screen.getByLabelText('New title');
    fireEvent.change(input, { target: { value: 'something else' } });
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.getByRole('button', { name: 'Q3 budget' })).toBeTruthy();
    expect(server.sessions[0]!.title).toBe('Q3 budget');
  });

  test('delete asks first; Keep changes nothing, Delete removes the session and leaves the chat it was showing', async () => {
    const { server, stores } = await setup();
    fireEvent.click(screen.getByRole('button', { name: 'Delete “Q3 budget”' }));
    fireEvent.click(screen.getByRole('button', { name: 'Keep' }));
    expect(server.sessions).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Delete “Q3 budget”' }));
    fireEvent.click(within(screen.getByRole('group', { name: 'Delete “Q3 budget”?' })).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Q3 budget' })).toBeNull());
    expect(server.sessions.map((s) => s.id)).toEqual([B]);
    expect(stores.chat.getState().currentSessionId).toBeNull();
    // The focus goes to the next chat, not to <body>.
    expect(document.activeElement).toBe(screen.getByRole('button', { name: '李伟的邮件' }));
  });

  test('chats are grouped by last activity, each with its date', async () => {
    const { stores } = await setup();
    const now = new Date();
    const daysAgo = (n: number) => new Date(now.getFullYear(), now.getMonth(), now.getDate() - n, 12).toISOString();
    act(() =>
      stores.chat.setState({
        sessions: [
          { ...session(A, 'Today’s chat'), updatedAt: new Date().toISOString() },
          { ...session(B, 'Older chat'), updatedAt: daysAgo(3) },
        ],
      }),
    );
    const groups = screen.getAllByRole('region').map((g) => [g.getAttribute('aria-label'), within(g).getAllByRole('listitem').length]);
    expect(groups).toEqual([
      ['Today', 1],
      ['Previous 7 days', 1],
    ]);
    const older = screen.getByRole('button', { name: 'Older chat' });
    expect(older.getAttribute('aria-describedby')).toBe(`session-date-${B}`);
    expect(document.getElementById(`session-date-${B}`)!.textContent).not.toBe('');
  });
});
