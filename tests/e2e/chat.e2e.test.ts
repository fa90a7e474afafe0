/**
 * The chat in a real browser against the real server, gateway and agent
 * runtime over the demo mailbox; only the model is scripted
 * (support/mailModel.ts) so runs are fast and repeatable.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDemoDatabase, DEMO, type DemoDatabase } from '../helpers/demo.ts';
import type { TestServer } from '../helpers/server.ts';
import { startAppServer } from './support/appServer.ts';
import { ask, chromiumPath, DESKTOP, lastTurn, launchBrowser, newContext, PHONE, screenshot, signIn, waitForConnection } from './support/browser.ts';
import { LONG_ANSWER_QUESTION, mailModel, SLOW_ANSWER_QUESTION } from './support/mailModel.ts';

const LI_WEI_QUESTION = 'Find the emails from Li Wei about the Q3 budget';
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe.skipIf(!chromiumPath)('chatting with the mail assistant', () => {
  let database: DemoDatabase;
  let app: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** The session of the first question, shared by later tests. */
  let sessionUrl = '';
  let firstAnswer = '';

  beforeAll(async () => {
    database = await createDemoDatabase();
    app = await startAppServer(database.db, { chatModel: mailModel(), env: { AGENT_DEBUG: '1', RATE_LIMIT_MESSAGES: '100' } });
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

  async function newChat() {
    await page.getByRole('button', { name: '+ New chat' }).click();
    await page.getByRole('heading', { name: 'Ask about your mailbox' }).waitFor();
  }

  test('a mail question shows the thoughts, a tool card with the emails found, and the answer streaming in', async () => {
    await page.getByRole('button', { name: LI_WEI_QUESTION }).click();

    // Streaming: answer text is on screen while the run is still going.
    const running = page.locator('article.turn[data-status="running"] .answer').first();
    await running.waitFor();
    const partial = squash(await running.innerText());
    await lastTurn(page, 'completed').waitFor();
    const turn = lastTurn(page);
    firstAnswer = squash(await turn.locator('.answer').last().innerText());
    expect(firstAnswer.length).toBeGreaterThan(partial.length);
    expect(firstAnswer).toMatch(/^I found \d+ emails from Li Wei about the Q3 budget/);
    // The turn reads in the order the model wrote it: the sentence before the call, the tool card, the answer.
    const order = await turn
      .locator(':scope > .answer, :scope > [data-tool-name]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-tool-name') ?? 'text'));
    expect(order).toEqual(['text', 'search_emails', 'text']);
    expect(squash(await turn.locator('.answer').first().innerText())).toBe('Searching the mailbox for Li Wei and the Q3 budget.');

    const card = turn.locator('[data-tool-name="search_emails"]');
    expect(await card.getAttribute('data-tool-state')).toBe('done');
    // Compact: one line (tool, arguments, count, duration) until clicked.
    expect(await card.locator('.tool-args-summary').innerText()).toContain('sender: Li Wei');
    expect(await card.locator('.tool-count').innerText()).toMatch(/^\d+ emails?$/);
    expect(await card.locator('.tool-duration').innerText()).toMatch(/^\d+ ms$/);
    expect(await card.locator('.tool-body').count()).toBe(0);
    await card.getByRole('button', { expanded: false }).click();
    expect(squash(await card.locator('.tool-args').innerText())).toContain('sender Li Wei');
    const rows = card.locator('.email-row');
    expect(await rows.count()).toBeGreaterThan(0);

    await turn.getByRole('button', { name: /^Thoughts \(\d+\)$/ }).click();
    expect(await turn.locator('.thought').count()).toBeGreaterThanOrEqual(2);
    expect(await turn.locator('.thought-tool_selection').first().innerText()).toContain('search_emails({"sender":"Li Wei"');

    sessionUrl = page.url();
    expect(new URL(sessionUrl).pathname).toMatch(/^\/c\/[0-9a-f-]{36}$/);
    // The server titled the session from the first message.
    await page.locator('.session-row.current', { hasText: LI_WEI_QUESTION }).waitFor();
    await screenshot(page, 'answer-tool-card-thoughts-desktop');

    // An email from the card opens beside the chat; Escape closes it.
    const subject = squash(await rows.first().locator('.email-subject').innerText());
    await rows.first().click();
    const panel = page.getByRole('dialog');
    await panel.getByRole('heading', { name: subject }).waitFor();
    expect(await panel.locator('.email-text').innerText()).not.toBe('');
    await screenshot(page, 'email-panel-desktop');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
  });

  test('the debug panel shows raw events with seq and timing, node transitions, timings and token usage', async () => {
    const toggle = page.getByRole('button', { name: 'Debug', exact: true });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    const panel = page.getByRole('complementary', { name: 'Debug panel' });
    await panel.locator('.debug-run').first().waitFor();
    expect(await panel.locator('[data-metric="first-chunk-server"]').first().innerText()).toMatch(/\d+ ms|s$/);
    expect(await panel.locator('[data-metric="total-server"]').first().innerText()).toMatch(/\d+ ms|s$/);
    expect(await panel.locator('[data-metric="tokens"]').first().innerText()).toMatch(/\d+ in · \d+ out · \d+ total/);
    expect(await panel.locator('.debug-nodes li').count()).toBeGreaterThan(0);
    // A run's start can arrive twice (live, and in the answer to the chat's join_session when the two cross):
    // the copy is listed, marked as a duplicate, and applied once.
    const seqs = await panel.locator('.debug-events tbody tr:not(.duplicate) td:first-child').allInnerTexts();
    expect(seqs.slice(0, 3)).toEqual(['1', '2', '3']);
    await screenshot(page, 'debug-panel-desktop');
    await toggle.click();
    await panel.waitFor({ state: 'detached' });
  });

  test('reloading the page restores the session and its history from the server', async () => {
    await page.reload();
    await waitForConnection(page, 'connected');
    const turn = lastTurn(page, 'completed');
    await turn.waitFor();
    expect(squash(await turn.locator('.answer').last().innerText())).toBe(firstAnswer);
    expect(squash(await turn.locator('.answer').first().innerText())).toBe('Searching the mailbox for Li Wei and the Q3 budget.');
    expect(await turn.locator('[data-tool-name="search_emails"]').getAttribute('data-tool-state')).toBe('done');
    await turn.locator('[data-tool-name="search_emails"] .tool-summary').click();
    expect(await turn.locator('.email-row').count()).toBeGreaterThan(0);
    expect(await turn.getByRole('button', { name: /^Thoughts \(\d+\)$/ }).count()).toBe(1);
    expect(await page.locator('.user-message .bubble').first().innerText()).toBe(LI_WEI_QUESTION);
  });

  test('Stop ends an answer midway: the partial answer stays, marked stopped; a queued question runs next', async () => {
    await newChat();
    await ask(page, LONG_ANSWER_QUESTION);
    // Text streams from the first token (no hold-back): wait until a few words are in.
    await page.locator('article.turn[data-status="running"] .answer', { hasText: 'word1' }).waitFor();
    expect(await page.getByRole('button', { name: 'Stop' }).isVisible()).toBe(true);

    // While it streams, a second question is queued rather than refused.
    await ask(page, SLOW_ANSWER_QUESTION);
    await page.locator('.user-message[data-state="queued"]').waitFor();
    expect(await page.getByRole('button', { name: 'Queue' }).count()).toBe(1);
    await screenshot(page, 'queued-while-streaming-desktop');

    await page.getByLabel('Message', { exact: true }).press('Escape');
    const stopped = page.locator('article.turn[data-status="interrupted"]');
    await stopped.waitFor();
    expect(await stopped.locator('.turn-status-interrupted').innerText()).toBe('Stopped — the answer above is incomplete.');
    const partial = squash(await stopped.locator('.answer').innerText());
    expect(partial).toMatch(/^Here is a long summary: word0 word1/);
    expect(partial).not.toContain('word399');

    // The queued question starts once the first run has stopped.
    await page.locator('article.turn[data-status="completed"]').waitFor();
    expect(await page.locator('.user-message[data-state="queued"]').count()).toBe(0);
    await screenshot(page, 'interrupted-desktop');

    await page.reload();
    const restored = page.locator('article.turn[data-status="interrupted"]');
    await restored.waitFor();
    expect(squash(await restored.locator('.answer').innerText())).toBe(partial);
    expect(await page.locator('article.turn').count()).toBe(2);
  });

  test('two tabs on one session show the same stream', async () => {
    await page.goto(sessionUrl);
    await waitForConnection(page, 'connected');
    const second = await context.newPage();
    await second.goto(sessionUrl);
    await waitForConnection(second, 'connected');
    await lastTurn(second, 'completed').waitFor();
    const turnsBefore = await second.locator('article.turn').count();

    await ask(page, SLOW_ANSWER_QUESTION);
    // The other tab sees the question and the answer while it is being written.
    await second.locator('.user-message .bubble', { hasText: SLOW_ANSWER_QUESTION }).waitFor();
    await second.locator('article.turn[data-status="running"] .answer').waitFor();
    await lastTurn(page, 'completed').waitFor();
    await second.locator('article.turn[data-status="completed"]').nth(turnsBefore).waitFor();
    const here = squash(await lastTurn(page).locator('.answer').innerText());
    const there = squash(await lastTurn(second).locator('.answer').innerText());
    expect(there).toBe(here);
    expect(here).toMatch(/^This week in short: Item number 1 of/);
    await screenshot(second, 'second-tab-desktop');
    await second.close();
  });

  test('a dropped connection shows in the badge and the answer continues where it stopped', async () => {
    await newChat();
    await ask(page, SLOW_ANSWER_QUESTION);
    const answer = page.locator('article.turn[data-status="running"] .answer');
    await answer.waitFor();

    // The network goes away: the server loses the socket and the browser cannot reconnect yet.
    await context.setOffline(true);
    for (const socket of app.server.gateway.io.of('/').sockets.values()) socket.conn.close();
    await waitForConnection(page, 'reconnecting');
    const beforeGap = squash(await answer.innerText());
    await screenshot(page, 'reconnecting-desktop');

    await context.setOffline(false);
    await waitForConnection(page, 'connected', 20_000);
    await lastTurn(page, 'completed').waitFor();
    const final = squash(await lastTurn(page).locator('.answer').innerText());
    expect(final.startsWith(beforeGap.slice(0, -12))).toBe(true);
    expect(final).toMatch(/^This week in short: Item number 1 of .* Item number 12 of the weekly summary, with a few words to stream\.$/);
    expect(final.match(/Item number 1 of/g)).toHaveLength(1);
  });

  test('Chinese questions and answers render as Chinese text', async () => {
    await newChat();
    await page.getByRole('button', { name: '李伟关于预算的邮件' }).click();
    const turn = lastTurn(page, 'completed');
    await turn.waitFor();
    const answer = turn.locator('.answer').last();
    expect(await answer.getAttribute('lang')).toBe('zh-CN');
    // The question stays above its answer, however the join and the run's first events interleave.
    expect(await page.locator('.messages-inner > *').evaluateAll((els) => els.map((e) => e.className.split(' ')[0]))).toEqual(['user-message', 'turn']);
    expect(await page.locator('.user-message .bubble').getAttribute('lang')).toBe('zh-CN');
    expect(await answer.innerText()).toMatch(/^找到 \d+ 封李伟关于预算的邮件/);
    await screenshot(page, 'chinese-desktop');
  });

  test('on a 375 px phone the conversation fits the screen', async () => {
    const phone = await newContext(browser, PHONE);
    const small = await phone.newPage();
    await signIn(small, app.url, DEMO.email, DEMO.password);
    await small.goto(sessionUrl);
    await lastTurn(small, 'completed').waitFor();
    expect(await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
    await small.locator('[data-tool-name="search_emails"] .tool-summary').first().click();
    await small.locator('.email-row').first().scrollIntoViewIfNeeded();
    await screenshot(small, 'answer-phone');
    await small.locator('.email-row').first().click();
    await small.getByRole('dialog').locator('.email-text').waitFor();
    await screenshot(small, 'email-panel-phone');
    await phone.close();
  });
});
