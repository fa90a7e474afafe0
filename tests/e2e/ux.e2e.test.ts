/**
 * The chat people expect (issue 13), in a real browser against the real
 * server: scrolling that follows the conversation, branches from edit and
 * regenerate, sidebars in sync across tabs, Stop while reconnecting, a
 * keyboard-only pass with visible focus, an axe-core scan, and the layout at
 * 1280, 1024 and 375 px (screenshots in tests/e2e/screenshots/).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDemoDatabase, DEMO, type DemoDatabase } from '../helpers/demo.ts';
import type { TestServer } from '../helpers/server.ts';
import { startAppServer } from './support/appServer.ts';
import {
  ask,
  askAndWait,
  chromiumPath,
  DESKTOP,
  fromBottom,
  lastTurn,
  launchBrowser,
  newChat,
  newContext,
  PHONE,
  screenshot,
  signIn,
  waitForConnection,
} from './support/browser.ts';
import { LONG_ANSWER_QUESTION, mailModel, SLOW_ANSWER_QUESTION } from './support/mailModel.ts';

const LI_WEI_QUESTION = 'Find the emails from Li Wei about the Q3 budget';
const GENERIC = 'What can you do?';
const TABLET = { width: 1024, height: 768 };
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');




/** axe-core's serious and critical violations on the page as it is. */
async function seriousViolations(page: Page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/** Presses Tab until the focused element matches, checking on the way that focus is always visible. */
async function tabTo(page: Page, describe: string, matches: (el: Element) => boolean, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const state = await page.evaluate((src) => {
      const el = document.activeElement;
      if (!el || el === document.body) return { found: false, visible: false, what: 'body' };
      const style = getComputedStyle(el);
      const visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
      // eslint-disable-next-line no-new-func
      const found = new Function('el', `return (${src})(el)`)(el) as boolean;
      return { found, visible, what: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} ${(el.textContent ?? '').trim().slice(0, 30)}` };
    }, matches.toString());
    if (state.what === 'body') continue; // the document itself, before the first control
    expect(state.visible, `focus visible on ${state.what}`).toBe(true);
    if (state.found) return;
  }
  throw new Error(`Tab never reached ${describe}`);
}

describe.skipIf(!chromiumPath)('the chat people expect', () => {
  let database: DemoDatabase;
  let app: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    database = await createDemoDatabase();
    app = await startAppServer(database.db, { chatModel: mailModel(), env: { RATE_LIMIT_MESSAGES: '200' } });
    browser = await launchBrowser();
    context = await newContext(browser, DESKTOP);
    page = await context.newPage();
    await signIn(page, app.url, DEMO.email, DEMO.password);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.drop();
  });

  test('the view follows new content; scrolled up, "jump to latest" counts what came; sending goes to your message', async () => {
    await newChat(page);
    for (let i = 0; i < 3; i++) await askAndWait(page, SLOW_ANSWER_QUESTION);
    expect(await fromBottom(page)).toBeLessThan(80);

    // Scrolled up, another tab asks: this one stays put and counts the new messages.
    await page.locator('.messages').evaluate((el) => el.scrollTo({ top: 0 }));
    await page.getByRole('button', { name: 'Jump to latest' }).waitFor();
    const other = await context.newPage();
    await other.goto(page.url());
    await waitForConnection(other, 'connected');
    await askAndWait(other, GENERIC);
    await page.getByRole('button', { name: /^↓ 2 new messages$/ }).waitFor();
    expect(await page.locator('.messages').evaluate((el) => el.scrollTop)).toBe(0);
    await screenshot(page, 'jump-to-latest-1280');
    await page.getByRole('button', { name: /new messages/ }).click();
    expect(await fromBottom(page)).toBeLessThan(80);
    await other.close();

    // Scrolled up again, this tab sends: the view goes to the new question and follows its answer.
    await page.locator('.messages').evaluate((el) => el.scrollTo({ top: 0 }));
    await askAndWait(page, SLOW_ANSWER_QUESTION);
    expect(await fromBottom(page)).toBeLessThan(80);
  });

  test('compact tool cards: a one-line summary; the expanded result scrolls within a bounded height', async () => {
    await newChat(page);
    await askAndWait(page, LI_WEI_QUESTION);
    const card = lastTurn(page).locator('[data-tool-name="search_emails"]');
    expect((await card.boundingBox())!.height).toBeLessThan(60);
    await card.locator('.tool-summary').click();
    const result = card.locator('.tool-result');
    expect((await result.boundingBox())!.height).toBeLessThanOrEqual(361);
    // An email named in the answer opens in the panel.
    await lastTurn(page).locator('.answer .email-link').first().click();
    await page.getByRole('dialog').locator('.email-text').waitFor();
    await page.keyboard.press('Escape');
  });

  test('edit and regenerate make branches; the switcher moves between them; reload keeps the one in view', async () => {
    await newChat(page);
    await askAndWait(page, GENERIC);
    await askAndWait(page, LI_WEI_QUESTION);
    const second = page.locator('.user-message').nth(1);
    await second.getByRole('button', { name: 'Edit' }).click();
    const editor = page.getByLabel('Edit your message');
    await editor.fill(SLOW_ANSWER_QUESTION);
    await editor.press('Enter');
    await page.locator('article.turn').nth(1).and(page.locator('[data-status="completed"]')).waitFor();
    const bubbles = () => page.locator('.user-message .bubble').allInnerTexts();
    expect(await bubbles()).toEqual([GENERIC, SLOW_ANSWER_QUESTION]);
    expect(await page.locator('.user-message').nth(1).locator('.branch-position').innerText()).toBe('2 / 2');

    await page.getByRole('button', { name: 'Previous version' }).click();
    await expect.poll(bubbles).toEqual([GENERIC, LI_WEI_QUESTION]);
    expect(await lastTurn(page).locator('[data-tool-name="search_emails"]').count()).toBe(1);
    await page.reload();
    await waitForConnection(page, 'connected');
    await expect.poll(bubbles).toEqual([GENERIC, LI_WEI_QUESTION]);
    expect(await page.locator('.branch-position').innerText()).toBe('1 / 2');

    // Regenerate the answer in view: a third version of the question, answered again.
    await lastTurn(page).getByRole('button', { name: 'Regenerate' }).click();
    await expect.poll(() => page.locator('.branch-position').innerText()).toBe('3 / 3');
    await lastTurn(page, 'completed').waitFor();
    expect(await page.locator('article.turn').count()).toBe(2);
    await screenshot(page, 'branches-1280');
  });

  test('sidebars stay in sync across tabs: created, renamed, deleted, and a queued message shows at once', async () => {
    const other = await context.newPage();
    await other.goto(app.url);
    await waitForConnection(other, 'connected');

    await newChat(page);
    await askAndWait(page, 'Sync check question');
    const row = other.locator('.session-row', { hasText: 'Sync check question' });
    await row.waitFor();

    await page.locator('.session-row.current').hover();
    await page.locator('.session-row.current').getByRole('button', { name: /^Rename/ }).click();
    await page.getByLabel('New title').fill('Renamed in tab one');
    await page.getByLabel('New title').press('Enter');
    await other.locator('.session-row', { hasText: 'Renamed in tab one' }).waitFor();

    // Queued in one tab, shown in the other before it starts.
    await other.locator('.session-row', { hasText: 'Renamed in tab one' }).locator('.session-open').click();
    await waitForConnection(other, 'connected');
    await ask(page, LONG_ANSWER_QUESTION);
    await page.locator('article.turn[data-status="running"] .answer').waitFor();
    await ask(page, 'Queued from tab one');
    await other.locator('.user-message[data-state="queued"]', { hasText: 'Queued from tab one' }).waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    await lastTurn(page, 'completed').waitFor({ timeout: 20_000 });

    await page.locator('.session-row.current').hover();
    await page.locator('.session-row.current').getByRole('button', { name: /^Delete/ }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await other.locator('.session-row', { hasText: 'Renamed in tab one' }).waitFor({ state: 'detached' });
    await other.getByRole('alert').filter({ hasText: 'no longer exists' }).waitFor();
    await other.close();
  });

  test('Stop while reconnecting says so at once and stops the answer when the connection is back', async () => {
    await newChat(page);
    await ask(page, LONG_ANSWER_QUESTION);
    await page.locator('article.turn[data-status="running"] .answer').waitFor();
    await context.setOffline(true);
    for (const socket of app.server.gateway.io.of('/').sockets.values()) socket.conn.close();
    await waitForConnection(page, 'reconnecting');
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('button', { name: 'Stopping…' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('composer-input');
    await screenshot(page, 'stopping-while-reconnecting-1280');
    await context.setOffline(false);
    await waitForConnection(page, 'connected', 20_000);
    await lastTurn(page, 'interrupted').waitFor({ timeout: 20_000 });
  });

  test('Continue after Stop goes on from the stopped answer: no new question, the continuation follows it, also after a reload', async () => {
    await newChat(page);
    await ask(page, LONG_ANSWER_QUESTION);
    await page.locator('article.turn[data-status="running"] .answer').waitFor();
    await expect.poll(() => page.locator('article.turn .answer').innerText().then((t) => t.split(/\s+/).length)).toBeGreaterThan(8);
    await page.getByRole('button', { name: 'Stop' }).click();
    const stopped = lastTurn(page, 'interrupted');
    await stopped.waitFor({ timeout: 20_000 });
    const partial = (await stopped.locator('.answer').innerText()).trim();
    const lastWord = partial.split(/\s+/).at(-1)!;
    expect(await page.locator('.user-message').count()).toBe(1);

    await stopped.getByRole('button', { name: 'Continue' }).click();
    const continuation = page.locator('article.turn-continuation[data-status="completed"]');
    await continuation.waitFor({ timeout: 20_000 });
    const check = async () => {
      // The model went on from the partial answer it was given (it names its last word) …
      expect(await continuation.locator('.answer').innerText()).toBe(`continuing after ${lastWord}: and that is the rest of the summary.`);
      expect(await continuation.locator('.continuation-label').innerText()).toBe('Continued after Stop');
      // … and no message of the user's appeared: still one question, the stopped answer right above its continuation.
      expect(await page.locator('.user-message').count()).toBe(1);
      expect(await page.locator('.messages-inner > *').evaluateAll((els) => els.map((e) => e.className.split(' ')[0] + (e.tagName === 'ARTICLE' ? ' ' + e.getAttribute('data-status') : '')))).toEqual([
        'user-message',
        'turn interrupted',
        'turn completed',
      ]);
      expect(await page.locator('article.turn-continued .turn-status-interrupted').innerText()).toBe('Stopped, then continued below.');
      expect(await page.locator('article.turn-continued').getByRole('button', { name: 'Continue' }).count()).toBe(0);
    };
    await check();
    await screenshot(page, 'continued-after-stop-1280');
    await page.reload();
    await continuation.waitFor();
    await check();
  });

  test('layout at 1280, 1024 and 375 px: the chat keeps its width and the composer stays reachable', async () => {
    await newChat(page);
    await askAndWait(page, LI_WEI_QUESTION);
    const chatUrl = page.url();
    for (const [name, viewport] of [
      ['1280', DESKTOP],
      ['1024', TABLET],
      ['375', PHONE],
    ] as const) {
      const ctx = await newContext(browser, viewport);
      const p = await ctx.newPage();
      await signIn(p, app.url, DEMO.email, DEMO.password);
      await p.goto(chatUrl);
      await lastTurn(p, 'completed').waitFor();
      expect(await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
      await screenshot(p, `chat-${name}`);
      await lastTurn(p).locator('.answer .email-link').first().click();
      await p.getByRole('dialog').locator('.email-text').waitFor();
      await screenshot(p, `email-${name}`);
      const composerFree = () =>
        p.locator('#composer-input').evaluate((el) => {
          const r = el.getBoundingClientRect();
          return el.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
        });
      /** The message box is on screen, nothing lies over it, and a click puts the focus in it. */
      const composerUsable = async () => {
        const box = (await p.locator('#composer-input').boundingBox())!;
        expect(box.y + box.height, `composer on screen at ${name} px`).toBeLessThanOrEqual(viewport.height);
        expect(box.x + box.width, `composer on screen at ${name} px`).toBeLessThanOrEqual(viewport.width);
        expect(await composerFree(), `nothing over the composer at ${name} px`).toBe(true);
        await p.locator('#composer-input').click({ timeout: 5_000 }); // fails when another element would get the click
        expect(await p.evaluate(() => document.activeElement?.id)).toBe('composer-input');
      };
      if (name !== '375') {
        // Email open: the composer is not under it.
        await composerUsable();
        await p.getByRole('button', { name: 'Debug', exact: true }).click();
        await p.locator('.debug-panel .debug-run').first().waitFor();
        await expect.poll(() => p.locator('.email-panel').count()).toBe(1);
        await screenshot(p, `email-and-debug-${name}`);
        // Email and debug open: the chat keeps a readable width and its composer.
        expect((await p.locator('main.chat').boundingBox())!.width, `chat width at ${name} px`).toBeGreaterThan(380);
        await composerUsable();
      } else {
        // On a phone the email is a full-screen dialog; closed, the composer is back and usable.
        await p.getByRole('button', { name: 'Close email' }).click();
        await p.getByRole('dialog').waitFor({ state: 'detached' });
        await composerUsable();
        await screenshot(p, `email-closed-${name}`);
      }
      // Sidebar titles use the room there is (no 18-character cut).
      if (name === '1280') {
        const title = p.locator('.session-row .session-name', { hasText: LI_WEI_QUESTION }).first();
        expect(await title.evaluate((el) => el.scrollHeight <= el.clientHeight + 1 || el.textContent!.length > 40)).toBe(true);
        expect((await title.boundingBox())!.width).toBeGreaterThan(170);
      }
      await ctx.close();
    }
  });

  test('screenshots: a chat with an open tool card, and the debug panel, at 1280, 1024 and 375 px', async () => {
    await newChat(page);
    await askAndWait(page, LI_WEI_QUESTION);
    const chatUrl = page.url();
    for (const [name, viewport] of [
      ['1280', DESKTOP],
      ['1024', TABLET],
      ['375', PHONE],
    ] as const) {
      const ctx = await newContext(browser, viewport);
      const p = await ctx.newPage();
      await signIn(p, app.url, DEMO.email, DEMO.password);
      await p.goto(chatUrl);
      await lastTurn(p, 'completed').waitFor();
      await lastTurn(p).locator('.tool-summary').first().click();
      await lastTurn(p).locator('.tool-result').first().waitFor();
      expect(await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), `no sideways scroll at ${name} px`).toBe(0);
      await screenshot(p, `tool-card-${name}`);
      // On a phone the account actions (Debug among them) are in the conversations drawer.
      if (name === '375') {
        await p.getByRole('button', { name: 'Conversations' }).click();
        await p.locator('.sidebar.open').waitFor();
        await screenshot(p, 'drawer-375');
      }
      await p.locator('button:visible', { hasText: /^Debug$/ }).first().click();
      await p.locator('.debug-panel .debug-run').first().waitFor();
      expect(await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), `no sideways scroll at ${name} px`).toBe(0);
      expect(await p.evaluate(() => document.scrollingElement!.scrollTop), `the page itself never scrolls at ${name} px`).toBe(0);
      await screenshot(p, `debug-${name}`);
      await ctx.close();
    }
  });

  test('axe-core finds no serious or critical violation on the sign-in, chat and debug screens', async () => {
    const ctx = await newContext(browser, DESKTOP);
    const p = await ctx.newPage();
    await p.goto(app.url);
    await p.getByLabel('Email').waitFor();
    expect((await seriousViolations(p)).join('\n')).toBe('');
    await signIn(p, app.url, DEMO.email, DEMO.password);
    await p.getByRole('heading', { name: 'Ask about your mailbox' }).waitFor();
    expect((await seriousViolations(p)).join('\n')).toBe('');
    await askAndWait(p, LI_WEI_QUESTION);
    await lastTurn(p).locator('.tool-summary').first().click();
    expect((await seriousViolations(p)).join('\n')).toBe('');
    await p.getByRole('button', { name: 'Debug', exact: true }).click();
    await p.locator('.debug-panel .debug-run').first().waitFor();
    expect((await seriousViolations(p)).join('\n')).toBe('');
    await ctx.close();
  });

  test('keyboard only: sign in, new chat, ask, stop, edit, regenerate, switch branch, search, sign out — focus always visible', async () => {
    const ctx = await newContext(browser, DESKTOP);
    const p = await ctx.newPage();
    await p.goto(app.url);
    await p.getByLabel('Email').waitFor();
    await tabTo(p, 'the email field', (el) => el.id === 'auth-email');
    await p.keyboard.type(DEMO.email);
    await p.keyboard.press('Tab');
    await p.keyboard.type(DEMO.password);
    await p.keyboard.press('Enter');
    await waitForConnection(p, 'connected');

    // A skip link leads to the message box (issue 13, item 6).
    await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo(p, 'the skip link', (el) => el.textContent?.trim() === 'Skip to the message box');
    await p.keyboard.press('Enter');
    await expect.poll(() => p.evaluate(() => document.activeElement?.id)).toBe('composer-input');

    // New chat (Ctrl+Shift+O) puts the focus in the message box.
    await p.keyboard.press('Control+Shift+O');
    await expect.poll(() => p.evaluate(() => document.activeElement?.id)).toBe('composer-input');
    await p.keyboard.type(LONG_ANSWER_QUESTION);
    await p.keyboard.press('Enter');
    await p.locator('article.turn[data-status="running"] .answer').waitFor();
    // Your own message is labelled for screen readers.
    expect(await p.locator('.user-message').first().getByRole('heading', { name: 'You said' }).count()).toBe(1);
    await p.keyboard.press('Escape');
    await lastTurn(p, 'interrupted').waitFor();
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('composer-input');

    await p.keyboard.type(GENERIC);
    await p.keyboard.press('Enter');
    await p.locator('article.turn').nth(1).and(p.locator('[data-status="completed"]')).waitFor();

    // Edit the second question.
    await tabTo(p, 'Edit of the second question', (el) => el.textContent === 'Edit' && el.closest('.user-message') === document.querySelectorAll('.user-message')[1]);
    await p.keyboard.press('Enter');
    await p.keyboard.press('Control+A');
    await p.keyboard.type(SLOW_ANSWER_QUESTION);
    await p.keyboard.press('Enter');
    await p.locator('article.turn').nth(1).and(p.locator('[data-status="completed"]')).waitFor({ timeout: 20_000 });
    expect(await p.locator('.branch-position').innerText()).toBe('2 / 2');

    // Regenerate the last answer, then switch back to the first version.
    await tabTo(p, 'Regenerate of the last answer', (el) => el.textContent === 'Regenerate' && el.closest('article') === [...document.querySelectorAll('article.turn')].at(-1));
    await p.keyboard.press('Enter');
    await expect.poll(() => p.locator('.branch-position').innerText()).toBe('3 / 3');
    await lastTurn(p, 'completed').waitFor();
    await tabTo(p, 'Previous version', (el) => el.getAttribute('aria-label') === 'Previous version');
    await p.keyboard.press('Enter');
    await p.keyboard.press('Enter');
    await expect.poll(() => p.locator('.branch-position').innerText()).toBe('1 / 3');
    expect(await p.locator('.user-message .bubble').nth(1).innerText()).toBe(GENERIC);

    // Search the chats, then sign out.
    await tabTo(p, 'the chat search', (el) => el.id === 'session-search');
    await p.keyboard.type('summarise');
    await p.getByRole('region', { name: 'Search results' }).getByRole('status').filter({ hasText: /found/ }).waitFor();
    await tabTo(p, 'Sign out', (el) => el.textContent === 'Sign out');
    await screenshot(p, 'keyboard-sign-out-focus-1280');
    await p.keyboard.press('Enter');
    await p.getByLabel('Email').waitFor();
    expect(new URL(p.url()).pathname).toBe('/');
    await ctx.close();
  });
});
