import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { FetchFn } from '../api/http.ts';
import { SESSION_EXPIRED_NOTICE } from '../stores/authStore.ts';
import { renderWithStores } from '../test/renderApp.tsx';
import { AuthScreen } from './AuthScreen.tsx';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
const user = { id: 'u1', email: 'li@example.com', name: 'Li', timezone: 'UTC', createdAt: '2026-11-01T00:00:00.000Z' };

function setup(fetch: FetchFn = async () => json(500, {})) {
  const r = renderWithStores(<AuthScreen />, { fetch });
  const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
  const fill = (label: string, value: string) => fireEvent.change(field(label), { target: { value } });
  return { ...r, field, fill };
}

describe('signing in', () => {
  test('empty fields are flagged inline, next to each field, and the first one takes the focus', () => {
    const { field } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByText('Email is required').id).toBe('auth-email-error');
    expect(screen.getByText('Password is required').id).toBe('auth-password-error');
    expect(field('Email').getAttribute('aria-invalid')).toBe('true');
    expect(field('Email').getAttribute('aria-describedby')).toBe('auth-email-error');
    expect(document.activeElement).toBe(field('Email'));
  });

  test('errors follow the typing after a first attempt', () => {
    const { fill } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    fill('Email', 'li@example.com');
    expect(screen.queryByText('Email is required')).toBeNull();
    expect(screen.getByText('Password is required')).toBeTruthy();
  });

  test('wrong credentials give one clear message; the right ones sign in', async () => {
    let attempt = 0;
    const { fill, stores } = setup(async (_path, init) => {
      const body = JSON.parse(String(init?.body));
      attempt += 1;
      return body.password === 'correct horse'
        ? json(200, { user, accessToken: 'a', refreshToken: 'r', expiresIn: 900 })
        : json(401, { error: { type: 'authentication_required', message: 'Email or password is incorrect' } });
    });
    fill('Email', 'li@example.com');
    fill('Password', 'wrong one');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Email or password is incorrect.');
    fill('Password', 'correct horse');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(stores.auth.getState().user).toEqual(user));
    expect(attempt).toBe(2);
  });

  test('when the server cannot be reached the form says so', async () => {
    const { fill } = setup(() => Promise.reject(new TypeError('Failed to fetch')));
    fill('Email', 'li@example.com');
    fill('Password', 'whatever it is');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe("Can't reach the server.");
  });

  test('the reason for a sign-out is shown on the sign-in screen', () => {
    const { stores } = setup();
    act(() => stores.auth.setState({ notice: SESSION_EXPIRED_NOTICE }));
    expect(screen.getByRole('alert').textContent).toBe(SESSION_EXPIRED_NOTICE);
  });
});

describe('registering', () => {
  test('each field explains what it needs', () => {
    const { fill } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Create an account' }));
    fill('Email', 'not an email');
    fill('Password', 'short');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByText('Name is required')).toBeTruthy();
    expect(screen.getByText('Enter a valid email address')).toBeTruthy();
    expect(screen.getByText('Password must be at least 8 characters')).toBeTruthy();
  });

  test('an address already in use is flagged at the email field', async () => {
    const { fill, field } = setup(async () => json(409, { error: { type: 'conflict', message: 'An account with this email already exists' } }));
    fireEvent.click(screen.getByRole('button', { name: 'Create an account' }));
    fill('Name', 'Li');
    fill('Email', 'li@example.com');
    fill('Password', 'long enough password');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect((await screen.findByText('An account with this email already exists')).id).toBe('auth-email-error');
    expect(document.activeElement).toBe(field('Email'));
  });
});
