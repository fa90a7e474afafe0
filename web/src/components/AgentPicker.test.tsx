/** A new chat talks to the agent picked for it, when the server serves more than one. */
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { FetchFn } from '../api/http.ts';
import { renderWithStores } from '../test/renderApp.tsx';
import { ChatView } from './ChatView.tsx';

function agentServer(agents: Array<{ name: string; description: string; default: boolean }>) {
  const created: Array<{ agent?: string }> = [];
  const fetch: FetchFn = async (input, init) => {
    const url = String(input);
    if (url.endsWith('/api/agents')) return new Response(JSON.stringify({ items: agents }), { status: 200 });
    if (url.endsWith('/api/sessions') && init?.method === 'POST') {
      const body = JSON.parse(String(init.body)) as { agent?: string };
      created.push(body);
      const now = new Date().toISOString();
      return new Response(JSON.stringify({ id: crypto.randomUUID(), title: 'New chat', agent: body.agent ?? agents[0]!.name, createdAt: now, updatedAt: now }), { status: 201 });
    }
    return new Response(JSON.stringify({ items: [] }), { status: 200 });
  };
  return { created, fetch };
}

function setup(agents: Parameters<typeof agentServer>[0]) {
  const server = agentServer(agents);
  const r = renderWithStores(<ChatView />, { fetch: server.fetch });
  r.stores.auth.setState({ accessToken: 't', refreshToken: 'r', expiresAt: Date.now() + 600_000 });
  return { ...r, server };
}

describe('the agent picker', () => {
  test('lists the agents, shows the chosen one, and a new chat is created for it', async () => {
    const { stores, server } = setup([
      { name: 'weather-assistant', description: 'Weather for any city', default: true },
      { name: 'toolbox', description: 'Calculator and units', default: false },
    ]);
    const select = (await screen.findByLabelText('Agent')) as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.value)).toEqual(['weather-assistant', 'toolbox']);
    expect(select.value).toBe('weather-assistant');
    expect(screen.getByRole('heading', { name: 'Ask weather-assistant' })).toBeTruthy();

    fireEvent.change(select, { target: { value: 'toolbox' } });
    expect(screen.getByRole('heading', { name: 'Ask toolbox' })).toBeTruthy();
    expect(screen.getAllByText('Calculator and units').length).toBeGreaterThan(0);
    await act(async () => {
      await stores.chat.getState().send('12 * 7').catch(() => false);
    });
    await waitFor(() => expect(server.created).toEqual([{ agent: 'toolbox' }]));
  });

  test('is not shown when the server serves one agent', async () => {
    const { server } = setup([{ name: 'mail-assistant', description: 'Mail', default: true }]);
    await waitFor(() => expect(screen.getByRole('heading', { name: /Ask about your mailbox|Your mailbox is empty/ })).toBeTruthy());
    expect(screen.queryByLabelText('Agent')).toBeNull();
    expect(server.created).toEqual([]);
  });
});
