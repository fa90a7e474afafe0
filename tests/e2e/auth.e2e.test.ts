/**
 * Registration and sign-in in a real browser against the real server:
 * inline validation, server-side refusals, the session surviving a reload,
 * sign-out, and the same screens on a phone.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import type { TestServer } from '../helpers/server.ts';
import { startAppServer } from './support/appServer.ts';
import { chromiumPath, launchBrowser, newContext, PHONE, recordConnectionStates, screenshot, signIn, waitForConnection } from './support/browser.ts';

const EXISTING = 'mei.lin@example.com';

describe.skipIf(!chromiumPath)('signing up and in', () => {
  let database: TestDatabase;
  let app: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startAppServer(database.db);
    // An account that exists before any test runs, so each test stands alone.
    await apiClient(app.url).register(EXISTING, 'correct horse battery', 'Mei Lin 林美');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.drop();
  });

  test('registration shows what is wrong next to each field, then creates the account and opens the chat', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();

    expect(await page.locator('#auth-name-error').textContent()).toBe('Name is required');
    expect(await page.locator('#auth-email-error').textContent()).toBe('Enter a valid email address');
    expect(await page.locator('#auth-password-error').textContent()).toBe('Password must be at least 8 characters');
    expect(await page.getByLabel('Name').evaluate((el) => el === document.activeElement)).toBe(true);
    await screenshot(page, 'register-validation-desktop');

    await page.getByLabel('Name').fill('Li Wei 李伟');
    await page.getByLabel('Email').fill('li.wei@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    expect(await page.locator('.field-error').count()).toBe(0);
    await page.getByRole('button', { name: 'Create account' }).click();
    // A new account has no mail yet: the empty state says so instead of offering mail questions.
    await page.getByRole('heading', { name: 'Your mailbox is empty' }).waitFor();
    await page.locator('[data-connection="connected"]').waitFor();
    expect(await page.locator('.topbar .user-name').textContent()).toBe('Li Wei 李伟');
    await screenshot(page, 'empty-state-desktop');

    // The session survives a reload (tokens persisted), and signing out forgets it.
    await page.reload();
    await page.getByRole('heading', { name: 'Your mailbox is empty' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem('agentwire.auth') ?? '{}').state?.refreshToken ?? null)).toBeNull();
    await context.close();
  });

  test('an address already registered is refused at the email field', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Name').fill('Someone else');
    await page.getByLabel('Email').fill(EXISTING);
    await page.getByLabel('Password').fill('another long password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#auth-email-error').waitFor();
    expect(await page.locator('#auth-email-error').textContent()).toBe('An account with this email already exists');
    await context.close();
  });

  test('a wrong password is refused with a clear message; the right one signs in', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByLabel('Email').fill(EXISTING);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('.form-error').waitFor();
    expect(await page.locator('.form-error').textContent()).toBe('Email or password is incorrect.');
    await screenshot(page, 'login-error-desktop');
    await signIn(page, app.url, EXISTING, 'correct horse battery');
    await context.close();
  });

  test('an access token that expires while the page is open is renewed and the socket reconnects by itself', async () => {
    const shortLived = await startAppServer(database.db, { env: { ACCESS_TOKEN_TTL_S: '5' } });
    const context = await newContext(browser);
    const page = await context.newPage();
    try {
      await apiClient(shortLived.url).register('expiry@example.com', 'correct horse battery', 'Short Lived');
      await signIn(page, shortLived.url, 'expiry@example.com', 'correct horse battery');
      await recordConnectionStates(page);
      const refreshToken = () => page.evaluate(() => JSON.parse(localStorage.getItem('agentwire.auth')!).state.refreshToken as string);
      const first = await refreshToken();
      // The app refreshes shortly before expiry; the server then ends the socket opened with the old token,
      // and the app reconnects with the new one.
      await page.waitForFunction(() => (window as unknown as { __states: string[] }).__states.join() === 'connected,reconnecting,connected', undefined, {
        timeout: 15_000,
      });
      expect(await refreshToken()).not.toBe(first);
      expect(await page.getByRole('heading', { name: 'Sign in' }).count()).toBe(0);
      await waitForConnection(page, 'connected');
    } finally {
      await context.close();
      await shortLived.close();
    }
  });

  test('on a 375 px phone the forms and the chat fit the screen', async () => {
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('#auth-email-error').waitFor();
    await screenshot(page, 'login-validation-phone');
    await signIn(page, app.url, EXISTING, 'correct horse battery');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBe(0);
    await screenshot(page, 'empty-state-phone');
    await page.getByRole('button', { name: 'Conversations' }).click();
    await page.locator('.sidebar.open').waitFor();
    await screenshot(page, 'sidebar-phone');
    await context.close();
  });
});
