/**
 * Connecting a real mailbox in the browser: a test Dovecot account added on
 * the Mail accounts screen (and a wrong password, with its error shown),
 * the newest mail searchable within 5 s of adding it, the status live on the
 * screen, and the agent answering "what came in today?" from the synced mail.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { dovecotUnavailable, rawEmail, startDovecot, type Dovecot, type DovecotUser } from '../helpers/dovecot.ts';
import { apiClient } from '../helpers/http.ts';
import type { TestServer } from '../helpers/server.ts';
import { startAppServer } from './support/appServer.ts';
import { ask, chromiumPath, lastTurn, launchBrowser, newContext, screenshot, signIn } from './support/browser.ts';

const unavailable = dovecotUnavailable();

async function fillAccount(page: Page, username: string, password: string) {
  const dialog = page.getByRole('dialog', { name: 'Mail accounts' });
  await dialog.getByLabel('IMAP server').fill(dovecotHost);
  await dialog.getByLabel('TLS').uncheck();
  await dialog.getByLabel('Port').fill(String(dovecotPort));
  await dialog.getByLabel('User name').fill(username);
  await dialog.getByLabel('Password').fill(password);
}
let dovecotHost = '';
let dovecotPort = 0;

describe.skipIf(!chromiumPath || unavailable)('mail accounts in the browser', () => {
  let database: TestDatabase;
  let app: TestServer;
  let browser: Browser;
  let dovecot: Dovecot;
  let mailbox: DovecotUser;
  let page: Page;
  let token: string;
  const NEWEST = 'Contract signed with Shenzhen supplier';

  beforeAll(async () => {
    [database, dovecot] = await Promise.all([createTestDatabase(), startDovecot()]);
    dovecotHost = dovecot.host;
    dovecotPort = dovecot.port;
    app = await startAppServer(database.db, { databaseUrl: database.url, env: { LLM_PROVIDER: 'local', MAIL_SYNC_POLL_INTERVAL_S: '3600' } });
    token = (await apiClient(app.url).register('reader@example.com', 'correct horse battery', 'Reader')).accessToken;
    mailbox = await dovecot.addUser();
    const now = Date.now();
    // 300 older messages, then today's newest.
    await dovecot.deliverMany(
      mailbox.username,
      Array.from({ length: 300 }, (_, i) =>
        rawEmail({ messageId: `<old${i}@example.com>`, subject: `Weekly digest ${i}`, body: 'Old news.', date: new Date(now - (i + 2) * 86_400_000) }),
      ),
    );
    await dovecot.deliver(
      mailbox.username,
      rawEmail({ messageId: '<newest@example.com>', from: 'Zhang Min <zhang.min@example.cn>', subject: NEWEST, body: 'The contract is signed. Please arrange the first shipment.', date: new Date(now - 60_000) }),
    );
    browser = await launchBrowser();
    page = await (await newContext(browser)).newPage();
    await signIn(page, app.url, 'reader@example.com', 'correct horse battery');
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await dovecot?.close();
    await database?.drop();
  });

  test('the test Dovecot account added on the Mail accounts screen: the newest mail is searchable within 5 s', async () => {
    await page.getByRole('button', { name: /^Mail accounts/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Mail accounts' });
    await dialog.getByText('No mailbox connected yet').waitFor();
    await fillAccount(page, mailbox.username, mailbox.password);
    const t0 = Date.now();
    await dialog.getByRole('button', { name: 'Add mailbox' }).click();
    const api = apiClient(app.url);
    let found = false;
    while (!found && Date.now() - t0 < 5_000) {
      const r = await api.get(`/api/emails?q=${encodeURIComponent('contract supplier')}`, token);
      found = r.body.items?.some((e: { subject: string }) => e.subject === NEWEST) ?? false;
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found, 'newest mail searchable within 5 s').toBe(true);

    const row = dialog.locator('.mail-account');
    await row.locator('[data-testid="message-count"]', { hasText: '301 emails' }).waitFor({ timeout: 60_000 });
    await row.getByText('up to date').waitFor();
    await screenshot(page, 'mail-accounts-synced');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test('a wrong password is refused on the screen with its own message, and nothing is added', async () => {
    const other = await dovecot.addUser();
    await page.getByRole('button', { name: /^Mail accounts/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Mail accounts' });
    await dialog.locator('.mail-account').first().waitFor();
    await fillAccount(page, other.username, 'not-the-password');
    await dialog.getByRole('button', { name: 'Add mailbox' }).click();
    const alert = dialog.locator('form').getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/rejected the user name or password/);
    expect(await dialog.locator('.mail-account').count()).toBe(1);
    await screenshot(page, 'mail-accounts-wrong-password');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test('the agent answers "what came in today?" from the synced mail', async () => {
    await ask(page, 'What came in today?');
    const turn = lastTurn(page, 'completed');
    await turn.waitFor({ timeout: 30_000 });
    expect((await turn.locator('.answer').allInnerTexts()).join('\n')).toContain(NEWEST);
  });
});
