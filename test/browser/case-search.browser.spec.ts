/**
 * 案件查询 in the browser: the search box finds a case by the tail of its number, and the search
 * lives in the page's address, so a reload (and back/forward) keeps the filter and the result.
 */
import { expect } from 'chai';
import { browserSuite, desktop, shot } from './browser.js';

describe('browser: case search by number tail, kept across a reload', function () {
  this.timeout(120_000);
  const suite = browserSuite();

  it('types a number tail, sees the case, reloads and still sees filter and result; back shows the previous search', async () => {
    const dispatcher = await suite.server.signIn('dispatcher1');
    const created = await dispatcher.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '早市摊贩占用人行道', address: '城东区建国路', reporterPhone: '13912340077' });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const number: string = created.body.case.number;
    const tail = number.replace(/^ZF-/, '');

    const { page, context } = await suite.signIn('dispatcher1', desktop);
    await page.locator('[data-tab="search"]').click();
    await page.locator('table.list[data-search=""], p.empty[data-search=""]').waitFor();
    const box = page.getByRole('searchbox', { name: '搜索' });
    await box.fill(tail);
    await page.getByRole('button', { name: '搜索', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === tail && url.searchParams.get('view') === 'search');
    const result = page.locator(`table.list[data-search="${new URLSearchParams({ q: tail })}"]`);
    await result.locator('tbody tr a', { hasText: number }).waitFor();
    expect(await result.locator('tbody tr').count()).to.equal(1);
    expect(await page.locator('caption').textContent()).to.equal('共 1 条');
    await shot(page, 'case-search-01-tail');

    await page.reload();
    await result.locator('tbody tr a', { hasText: number }).waitFor();
    expect(await page.getByRole('searchbox', { name: '搜索' }).inputValue()).to.equal(tail);
    expect(await result.locator('tbody tr').count()).to.equal(1);

    // another search, then back: the earlier one's filter and result again
    await page.getByRole('searchbox', { name: '搜索' }).fill('不存在的词语组合');
    await page.getByRole('button', { name: '搜索', exact: true }).click();
    await page.locator('p.empty', { hasText: '暂无记录' }).waitFor();
    await page.goBack();
    await result.locator('tbody tr a', { hasText: number }).waitFor();
    expect(await page.getByRole('searchbox', { name: '搜索' }).inputValue()).to.equal(tail);
    await context.close();
  });
});
