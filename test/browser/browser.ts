/**
 * Browser tests' support: Debian's Chromium driven by playwright-core (headless, fresh profile),
 * the pages built when stale, the real platform from startTestServer, and sign-in through the
 * login page. Without Chromium the specs skip — except under CI=true, where that is a failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureWebBuild } from '../../web/server/build.js';
import { demoPassword } from '../../api/src/demo.js';
import { startTestServer, type TestServer } from '../support/server.js';

export const chromiumPath = '/usr/bin/chromium';
export const artifacts = path.resolve('test-artifacts');

/** Call in `before`: skips the suite when Chromium is missing (throws under CI). */
export function requireChromium(ctx: Mocha.Context): void {
  if (fs.existsSync(chromiumPath)) return;
  if (process.env.CI) throw new Error(`Chromium is missing at ${chromiumPath} (apt-get install chromium fonts-noto-cjk)`);
  ctx.skip();
}

export async function launch(): Promise<{ browser: Browser; close(): Promise<void> }> {
  await ensureWebBuild(() => {});
  const browser = await chromium.launch({
    executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    // playwright gives every launch its own fresh, temporary --user-data-dir

  });
  fs.mkdirSync(artifacts, { recursive: true });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

export const phone = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
export const desktop = { viewport: { width: 1280, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

/** Requests each signed-in page sent that have not finished, for the report of a failed test. */
const pendingRequests = new WeakMap<Page, Set<string>>();

/** A signed-in person in their own browser context (own cookies). */
export async function signInPage(browser: Browser, baseUrl: string, username: string, device: typeof phone | typeof desktop): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...device, baseURL: baseUrl });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => console.error(`[${username}] page error:`, error.message));
  page.on('console', (m) => m.type() === 'error' && console.error(`[${username}] console:`, m.text()));
  const waiting = new Set<string>();
  pendingRequests.set(page, waiting);
  page.on('request', (request) => waiting.add(`${request.method()} ${request.url()}`));
  page.on('requestfinished', (request) => waiting.delete(`${request.method()} ${request.url()}`));
  page.on('requestfailed', (request) => waiting.delete(`${request.method()} ${request.url()}`));
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(demoPassword);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('header.top').waitFor();
  return { context, page };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

/** A browser suite's shared pieces: its own platform, Chromium, and sign-in on either device. */
export interface BrowserSuite {
  readonly server: TestServer;
  readonly browser: Browser;
  signIn(username: string, device: typeof phone | typeof desktop): Promise<{ context: BrowserContext; page: Page }>;
}

/**
 * Call in a `describe`: registers the hooks that start a platform and Chromium for the suite
 * (or skip it without Chromium, see requireChromium) and close both after it.
 */
export function browserSuite(): BrowserSuite {
  let server: TestServer | undefined;
  let chrome: Awaited<ReturnType<typeof launch>> | undefined;
  before(async function () {
    requireChromium(this);
    [server, chrome] = await Promise.all([startTestServer(), launch()]);
  });
  // A failing test's report says what its pages showed: each page's address, unfinished
  // requests and visible text go into the error itself (mocha's summary, and so the tail of a
  // CI run, repeats it), with a screenshot under test-artifacts/.
  afterEach(async function () {
    const failed = this.currentTest;
    if (failed?.state !== 'failed' || !chrome) return;
    const pages = chrome.browser.contexts().flatMap((context) => context.pages());
    const report: string[] = [];
    for (const [i, page] of pages.entries()) {
      const text = await page.locator('body').innerText({ timeout: 2_000 }).catch((error: Error) => `(no text: ${error.message})`);
      const waiting = [...(pendingRequests.get(page) ?? [])];
      report.push(`--- page ${i + 1} of ${pages.length} at ${page.url()}${waiting.length ? ` (still waiting for ${waiting.join(', ')})` : ''}:\n${text.replace(/\n{2,}/g, '\n').slice(0, 1_500)}`);
      await page.screenshot({ path: path.join(artifacts, `FAILED-${i + 1}.png`), fullPage: true, timeout: 5_000 }).catch(() => {});
    }
    const error = failed.err;
    if (error?.stack && report.length) {
      // mocha prints the lines before the first stack frame as the message
      const frames = error.stack.search(/^\s+at\s/m);
      const pagesText = `${report.join('\n')}\n`;
      error.stack = frames < 0 ? `${error.stack}\n${pagesText}` : `${error.stack.slice(0, frames)}${pagesText}${error.stack.slice(frames)}`;
    } else if (report.length) console.error(report.join('\n'));
  });
  after(async () => {
    await chrome?.close();
    await server?.close();
  });
  const suite: BrowserSuite = {
    get server() {
      return server as TestServer;
    },
    get browser() {
      return (chrome as NonNullable<typeof chrome>).browser;
    },
    signIn: (username, device) => signInPage(suite.browser, suite.server.url, username, device),
  };
  return suite;
}
