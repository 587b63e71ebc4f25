/**
 * bench:web — a cold load of the tasklist on loopback in Chromium (fresh profile, empty cache):
 * time until the 待办 list is on screen and usable, and the gzip bytes of the JS a phone
 * downloads for the task pages (tasklist + a task's form). Prints both against the targets.
 */
import { startTestServer } from '../../test/support/server.js';
import { desktop, launch, phone, requireChromiumOrExit } from './chromium.js';
import { demoPassword } from '../../api/src/demo.js';

requireChromiumOrExit();
const server = await startTestServer();
const chrome = await launch();
try {
  const api = await server.signIn('dispatcher1');
  const created = await api.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '性能测试案件', address: '城东区解放路 1 号' });
  if (created.status !== 201) throw new Error(`case: ${created.status}`);

  const runs: number[] = [];
  let phoneJs = 0;
  for (let run = 0; run < 5; run++) {
    const context = await chrome.browser.newContext({ ...(run === 0 ? phone : desktop), baseURL: server.url });
    const page = await context.newPage();
    // sign in (sets the cookie), then measure a cold load of the list: a new page with the HTTP cache cleared;
    // interactive = the first task card's link is on screen (performance.now() from navigation start)
    await page.goto('/login');
    await page.getByLabel('用户名').fill('dispatcher1');
    await page.getByLabel('密码').fill(demoPassword);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('li[data-element]').first().waitFor();
    const cold = await context.newPage();
    const cdp = await context.newCDPSession(cold);
    await cdp.send('Network.clearBrowserCache');
    // each script's size is read asynchronously: keep the reads and total them once the page is done
    const scriptSizes: Promise<number>[] = [];
    cold.on('response', (response) => {
      if (response.request().resourceType() !== 'script') return;
      scriptSizes.push((async () => Number((await response.headerValue('content-length')) ?? (await response.body()).length))());
    });
    await cold.goto('/');
    await cold.locator('li[data-element] a.cover').first().waitFor({ state: 'visible' });
    const interactive = await cold.evaluate(() => performance.now());
    runs.push(interactive);
    if (run === 0) {
      // the phone's task page: open the task and wait for its form
      await cold.locator('li[data-element] a.cover').first().click();
      await cold.locator('.fjs-form').waitFor();
      await cold.waitForLoadState('networkidle');
      phoneJs = (await Promise.all(scriptSizes)).reduce((a, b) => a + b, 0);
    }
    await context.close();
  }
  runs.sort((a, b) => a - b);
  const median = runs[Math.floor(runs.length / 2)];
  console.log(`tasklist cold load to interactive (loopback, Chromium): median ${median.toFixed(0)} ms, runs ${runs.map((r) => r.toFixed(0)).join(' / ')} ms (target < 1500 ms)`);
  console.log(`JS for the phone's task pages (tasklist + task form), gzip as sent: ${(phoneJs / 1024).toFixed(1)} kB (target < 300 kB)`);
} finally {
  await chrome.close();
  await server.close();
}
