/**
 * Long lists through the pages: a dispatcher with over a thousand closed cases reads 办结 (a
 * card per case) page by page (最新 / 更早 with the range), sees "1000+" ("200+" for free text) where the count stops, and pages through a
 * case search, whose filters stay those of the search on screen.
 */
import { expect } from 'chai';
import { insertBulkCases } from '../support/bulk-cases.js';
import { browserSuite, desktop, shot } from './browser.js';

describe('browser: long lists page by page', function () {
  this.timeout(180_000);
  const suite = browserSuite();

  before(async () => {
    // dispatcher1 (a demo account) finished the first task of every odd case: 1,040 closed ones
    await insertBulkCases(suite.server.platform.dataSource, { cases: 2_200, openCases: 120, people: { dispatchers: 2, officers: 5 } });
  });

  it('reads 办结 page by page, with "1000+" past the count cap', async () => {
    const { page, context } = await suite.signIn('dispatcher1', desktop);
    await page.locator('[data-tab="closed"]').click();
    await page.locator('[data-list="closed"] li').first().waitFor();
    expect(await page.locator('[data-count="closed"]').textContent()).to.equal('1000+');
    expect(await page.locator('[data-list="closed"] li').count()).to.equal(50);
    expect(await page.locator('.pager [data-range]').textContent()).to.equal('1–50 / 1000+');
    expect(await page.locator('.pager [data-page="prev"]').count()).to.equal(0);
    const firstPage = await page.locator('[data-list="closed"] li').evaluateAll((items) => items.map((li) => li.getAttribute('data-case')));
    // a card per case: where it stands, what I did in it, when I last acted
    const card = page.locator('[data-list="closed"] li').first();
    expect(await card.getAttribute('class')).to.include('case');
    expect(await card.locator('.state').textContent()).to.be.oneOf(['已结案', '不属实']);
    expect(await card.locator('[data-my-steps]').textContent()).to.equal('我办理：派发核实');
    expect(await card.locator('[data-last-done]').textContent()).to.match(/^最近办理 \S/);

    await page.locator('.pager [data-page="next"]').click();
    await page.waitForURL(/view=closed&offset=50$/);
    await page.locator('.pager [data-range]', { hasText: '51–100' }).waitFor();
    const secondPage = await page.locator('[data-list="closed"] li').evaluateAll((items) => items.map((li) => li.getAttribute('data-case')));
    expect(secondPage).to.have.length(50);
    expect(secondPage.filter((n) => firstPage.includes(n)), 'no case on both pages').to.deep.equal([]);
    await shot(page, 'lists-01-closed-page-2');

    await page.locator('.pager [data-page="prev"]').click();
    await page.waitForURL(/view=closed$/);
    await page.locator('.pager [data-range]', { hasText: '1–50' }).waitFor();
    expect(await page.locator('[data-list="closed"] li').first().getAttribute('data-case')).to.equal(firstPage[0]);

    // 已办: the 60 open cases dispatcher1 worked on, counted and listed as cases
    await page.locator('[data-tab="done"]').click();
    await page.locator('[data-list="done"] li').first().waitFor();
    expect(await page.locator('[data-count="done"]').textContent()).to.equal('60');
    const open = page.locator('[data-list="done"] li');
    expect(await open.count()).to.equal(50);
    expect(await open.first().getAttribute('data-status')).to.equal('open');
    expect(await open.first().locator('.state').textContent()).to.match(/^办理中/);
    await shot(page, 'lists-01b-done-cases');
    await context.close();
  });

  it('pages through a case search and keeps the search on screen', async () => {
    const { page, context } = await suite.signIn('dispatcher1', desktop);
    await page.locator('[data-tab="search"]').click();
    const box = page.getByRole('searchbox', { name: '搜索' });
    await box.fill('城东区');
    await page.getByRole('button', { name: '搜索', exact: true }).click();
    await page.locator('caption', { hasText: '200+' }).waitFor();
    expect(await page.locator('caption').textContent()).to.equal('共 200+ 条');
    const everyCase = await page.locator('table.list tbody tr').evaluateAll((rows) => rows.map((r) => r.textContent));

    // 占道经营: every tenth bulk case (220) and the demo district's own. Free text counts 200
    // past the page's start: "200+" on the first page, the exact number once that reaches the end.
    await box.fill('占道经营');
    await page.getByRole('button', { name: '搜索', exact: true }).click();
    await page.waitForFunction((before) => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } }).document;
      const rows = Array.from(doc.querySelectorAll('table.list tbody tr'), (r) => r.textContent);
      return rows.length > 0 && rows.join() !== before.join() && rows.every((r) => r?.includes('占道经营'));
    }, everyCase);
    expect(await page.locator('caption').textContent()).to.equal('共 200+ 条');
    const first = await page.locator('table.list tbody tr').evaluateAll((rows) => rows.map((r) => r.querySelector('a')?.textContent));
    expect(first).to.have.length(50);

    // editing the box without searching does not change what the pages page through
    await box.fill('噪音');
    await page.locator('.pager [data-page="next"]').click();
    await page.locator('.pager [data-range]', { hasText: '51–100' }).waitFor();
    // from offset 50 the count goes to 250: past every match
    const total = Number((await page.locator('caption').textContent())?.match(/^共 (\d+) 条$/)?.[1]);
    expect(total, 'counted to the end').to.be.within(220, 250);
    const second = await page.locator('table.list tbody tr').evaluateAll((rows) => rows.map((r) => r.querySelector('a')?.textContent));
    expect(second.filter((n) => first.includes(n))).to.deep.equal([]);
    for (const range of ['101–150', '151–200', '201–']) {
      await page.locator('.pager [data-page="next"]').click();
      await page.locator('.pager [data-range]', { hasText: range }).waitFor();
    }
    expect(await page.locator('caption').textContent()).to.equal(`共 ${total} 条`);
    expect(await page.locator('.pager [data-range]').textContent()).to.equal(`201–${total} / ${total}`);
    expect(await page.locator('.pager [data-page="next"]').count(), 'no page after the last').to.equal(0);
    await shot(page, 'lists-02-search-page-2');
    await context.close();
  });
});
