/**
 * Headless Debian Chromium driven by playwright-core, and the helpers the
 * end-to-end tests share: screenshots, sign-in, waiting for app state.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const chromiumPath = inject('chromiumPath');
export const SKIP_REASON = 'Chromium not found (install it with `apt-get install -y chromium`, or set CHROMIUM_PATH): e2e tests skipped';
if (!chromiumPath) console.warn(SKIP_REASON);

export const SCREENSHOTS = path.resolve('tests/e2e/screenshots');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 740 };

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A fresh browser profile (its own localStorage) at the given size. */
export async function newContext(browser: Browser, viewport = DESKTOP): Promise<BrowserContext> {
  return browser.newContext({ viewport, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'Asia/Shanghai' });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), animations: 'disabled' });
}

export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForConnection(page, 'connected');
}

export function waitForConnection(page: Page, state: 'connected' | 'reconnecting' | 'offline', timeout = 15_000) {
  return page.locator(`[data-connection="${state}"]`).waitFor({ timeout });
}

export async function ask(page: Page, question: string): Promise<void> {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(question);
  await box.press('Enter');
}

/** Distance from the bottom of the conversation's scroll area. */
export const fromBottom = (page: Page) =>
  page.locator('.messages').evaluate((el) => Math.round(el.scrollHeight - el.scrollTop - el.clientHeight));

export async function newChat(page: Page): Promise<void> {
  await page.getByRole('button', { name: '+ New chat' }).click();
  await page.getByRole('heading', { name: 'Ask about your mailbox' }).waitFor();
}

/** Asks and waits for that question's answer to complete. */
export async function askAndWait(page: Page, question: string, timeout = 30_000): Promise<void> {
  const before = await page.locator('article.turn').count();
  await ask(page, question);
  await page.locator('article.turn').nth(before).and(page.locator('[data-status="completed"]')).waitFor({ timeout });
}

/** The last assistant turn once it has the given status. */
export function lastTurn(page: Page, status?: 'running' | 'completed' | 'interrupted' | 'failed') {
  const turn = page.locator(status ? `article.turn[data-status="${status}"]` : 'article.turn').last();
  return turn;
}

/** Starts recording every state the connection badge shows; read it back with `connectionStates`. */
export async function recordConnectionStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __states: string[] };
    w.__states = [];
    const record = () => {
      const state = document.querySelector('[data-connection]')?.getAttribute('data-connection');
      if (state && w.__states.at(-1) !== state) w.__states.push(state);
    };
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-connection'] });
  });
}

export const connectionStates = (page: Page) => page.evaluate(() => (window as unknown as { __states: string[] }).__states);

/** Seconds a countdown message says are left ("14 min 59 s", "899 s"). */
export async function secondsLeftIn(message: Locator): Promise<number> {
  const t = await message.innerText();
  const min = /(\d+)\s*min/.exec(t)?.[1];
  const sec = /(\d+)\s*s\b/.exec(t)?.[1];
  return Number(min ?? 0) * 60 + Number(sec ?? 0);
}
