/**
 * The pages' shell under conditions a desk test does not meet by itself: a tab that paints no
 * frame for a while (opened in the background, a phone's locked screen) must still come up.
 */
import { browserSuite, phone } from './browser.js';

describe("browser: the pages' shell", function () {
  this.timeout(60_000);
  const suite = browserSuite();

  it('comes up in a tab whose first frame comes late (a background tab) instead of staying at 加载中…', async () => {
    const { context, page } = await suite.signIn('inspector1', phone);
    // A background tab runs no animation frames and its timers at most once a second. Preact
    // runs effects after the next frame (or a 35 ms timer), so /api/auth/me answers first: the
    // session must not be lost because nobody was listening yet.
    await context.addInitScript(`
      window.requestAnimationFrame = () => 0;
      const later = window.setTimeout;
      window.setTimeout = (fn, ms, ...args) => later(fn, ms >= 35 ? Math.max(ms, 1000) : ms, ...args);
    `);
    for (const path of ['/', '/laws']) {
      await page.goto(path);
      await page.locator('header.top').waitFor({ timeout: 8_000 });
    }
  });
});
