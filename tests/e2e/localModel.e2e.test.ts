/**
 * The built-in offline model (LLM_PROVIDER=local, the default) answering real
 * questions about the demo mailbox, in the browser, end to end. The server's
 * clock stands at the demo's anchor so "yesterday" is a day with a report.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDemoDatabase, DEMO, DEMO_FACTS, type DemoDatabase } from '../helpers/demo.ts';
import type { TestServer } from '../helpers/server.ts';
import { startAppServer } from './support/appServer.ts';
import { chromiumPath, lastTurn, launchBrowser, newContext, screenshot, signIn } from './support/browser.ts';

describe.skipIf(!chromiumPath)('the built-in local model over the demo mailbox', () => {
  let database: DemoDatabase;
  let app: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    database = await createDemoDatabase();
    const startedAt = Date.now();
    const clock = { now: () => DEMO.anchor.getTime() + (Date.now() - startedAt) };
    app = await startAppServer(database.db, { clock, env: { LLM_PROVIDER: 'local' } });
    browser = await launchBrowser();
    page = await (await newContext(browser)).newPage();
    await signIn(page, app.url, DEMO.email, DEMO.password);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.drop();
  });

  test('a question about a sender and a topic searches the mailbox and answers from the emails found', async () => {
    await page.getByRole('button', { name: 'Find the emails from Li Wei about the Q3 budget' }).click();
    const turn = lastTurn(page, 'completed');
    await turn.waitFor();
    const card = turn.locator('[data-tool-name="search_emails"]');
    expect(await card.first().getAttribute('data-tool-state')).toBe('done');
    await card.first().locator('.tool-summary').click(); // compact cards open on click
    const subjects = await card.first().locator('.email-subject').allInnerTexts();
    expect(subjects.length).toBeGreaterThan(0);
    expect(subjects.some((s) => s.includes(DEMO_FACTS.subjects.q3BudgetReview))).toBe(true);
    const answer = await turn.locator('.answer').last().innerText();
    expect(answer).toContain(DEMO_FACTS.subjects.q3BudgetReview);
    expect(await turn.locator('.thought').count()).toBe(0); // folded once done
    expect(await turn.getByRole('button', { name: /^Thoughts \(\d+\)$/ }).count()).toBe(1);
    await screenshot(page, 'local-model-search-desktop');
  });

  test('"yesterday’s daily report" reads the report of the day before the demo’s today', async () => {
    await page.getByRole('button', { name: '+ New chat' }).click();
    await page.getByRole('button', { name: "What was in yesterday's daily report?" }).click();
    const turn = lastTurn(page, 'completed');
    await turn.waitFor();
    const card = turn.locator('[data-tool-name="read_daily_report"]');
    expect(await card.getAttribute('data-tool-state')).toBe('done');
    await card.locator('.tool-summary').click();
    expect(squashText(await card.locator('.tool-args').innerText())).toMatch(new RegExp(`^date (yesterday|${DEMO_FACTS.yesterday})$`));
    expect(await card.locator('.report-date').innerText()).toBe(DEMO_FACTS.yesterday);
    expect((await turn.locator('.answer').last().innerText()).length).toBeGreaterThan(40);
    await screenshot(page, 'local-model-report-desktop');
  });
});

const squashText = (s: string) => s.replace(/\s+/g, ' ').trim();
