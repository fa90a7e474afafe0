/**
 * The keyboard contract of the composer, against a real Socket.IO server:
 * Enter sends, Shift+Enter does not, Enter that confirms an IME (Chinese)
 * composition does not, Escape stops the answer being written, and a
 * refused message comes back to the composer with Edit.
 */
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { UserMessagePayload } from '../../../shared/protocol.ts';
import { createSocketFactory } from '../realtime/socket.ts';
import { fakeAuthServer, startFakeGateway, type FakeGateway } from '../test/fakeGateway.ts';
import { renderWithStores } from '../test/renderApp.tsx';
import { runScript, SESSION } from '../test/runEvents.ts';
import { waitForState } from '../test/waitFor.ts';
import { ChatView } from './ChatView.tsx';

let gateway: FakeGateway;
let received: UserMessagePayload[];
let cancelled: string[];

beforeEach(async () => {
  gateway = await startFakeGateway();
  gateway.validTokens.add('token');
  received = [];
  cancelled = [];
  gateway.onMessage = (payload) => {
    received.push(payload);
    return { ok: true, run_id: `run-${received.length}`, message_id: 'm', queued: false };
  };
  gateway.onCancel = (sessionId) => void cancelled.push(sessionId);
});

afterEach(async () => {
  await gateway.close();
});

async function setup() {
  const r = renderWithStores(<ChatView />, { fetch: fakeAuthServer(gateway).fetch, connectSocket: createSocketFactory(gateway.url) });
  const { auth, chat } = r.stores;
  auth.setState({ user: { id: 'u', email: 'a@b.c', name: 'A', timezone: 'UTC', createdAt: '' }, accessToken: 'token', refreshToken: 'refresh-0', expiresAt: Date.now() + 600_000, lifetimeMs: 600_000 });
  await act(async () => {
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'connected');
    await chat.getState().openSession(SESSION);
  });
  const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
  const type = (text: string) => fireEvent.change(box, { target: { value: text } });
  return { ...r, box, type, cleanup: () => chat.getState().stop() };
}

describe('the composer', () => {
  test('Enter sends the message and empties the composer; the message shows in the conversation', async () => {
    const { box, type, cleanup } = await setup();
    type('Find the emails from Li Wei');
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(received.map((m) => m.content)).toEqual(['Find the emails from Li Wei']));
    expect(received[0]).toMatchObject({ session_id: SESSION, client_message_id: expect.any(String) });
    expect(box.value).toBe('');
    await screen.findByText('Find the emails from Li Wei');
    cleanup();
  });

  test('Shift+Enter and an Enter that ends an IME composition do not send', async () => {
    const { box, type, stores, cleanup } = await setup();
    type('李伟');
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    fireEvent.keyDown(box, { key: 'Enter', isComposing: true });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 229 });
    // A message sent now arrives after anything the keys above sent.
    await act(() => stores.chat.getState().send('marker'));
    await waitFor(() => expect(received.map((m) => m.content)).toEqual(['marker']));
    expect(box.value).toBe('李伟');
    cleanup();
  });

  test('Escape stops the answer being written, and so does the Stop button', async () => {
    const { box, stores, cleanup } = await setup();
    const r = runScript('run-1', SESSION);
    act(() => {
      stores.chat.getState().receive('run_started', r.started('q').payload);
    });
    await screen.findByRole('button', { name: 'Stop' });
    fireEvent.keyDown(box, { key: 'Escape' });
    await waitFor(() => expect(cancelled).toEqual([SESSION]));
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    await waitFor(() => expect(cancelled).toEqual([SESSION, SESSION]));
    cleanup();
  });

  test('a refused message says why; Edit puts its text back in the composer', async () => {
    gateway.onMessage = () => ({ ok: false, error: { type: 'validation_error', message: 'Message is longer than 8000 characters' } });
    const { box, type, cleanup } = await setup();
    type('too long, says the server');
    fireEvent.keyDown(box, { key: 'Enter' });
    const note = await screen.findByText(/Not sent\./);
    expect(note.textContent).toBe('Not sent. That could not be sent as it is.');
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toContain('That could not be sent as it is. Message is longer than 8000 characters×');
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    expect(box.value).toBe('too long, says the server');
    expect(screen.queryByText(/Not sent\./)).toBeNull();
    cleanup();
  });

  test('a message over the limit cannot be sent and says how long it is', async () => {
    const { type, cleanup } = await setup();
    type('x'.repeat(8001));
    expect(screen.getByText('8001 / 8000 characters — too long to send')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    cleanup();
  });
});
