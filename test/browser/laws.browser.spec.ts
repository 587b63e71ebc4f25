/**
 * 执法文件 through the pages: the admin uploads a real PDF on a desktop; an inspector on a
 * 360-px phone searches it (one character, then a phrase), sees the terms marked, reads it
 * with next/previous match, and a document holding markup shows it as text, never as HTML.
 */
import fs from 'node:fs';
import { expect } from 'chai';
import { browserSuite, desktop, phone, shot } from './browser.js';

describe('browser: law documents (执法文件)', function () {
  this.timeout(180_000);
  const suite = browserSuite();
  const pdf = fs.readFileSync(new URL('../../laws/fixtures/regulation.pdf', import.meta.url));


  it('an admin uploads a PDF regulation with its metadata', async () => {
    const { page, context } = await suite.signIn('admin', desktop);
    await page.getByRole('link', { name: '执法文件' }).click();
    await page.locator('[data-list="laws"] li').first().waitFor();
    await page.getByText('上传执法文件').click();
    await page.getByLabel('标题').fill('城东区户外广告设施设置管理办法（试行）');
    await page.getByLabel('发布机关').fill('城东区人民政府');
    await page.getByLabel('文号').fill('城东政发〔2024〕2号');
    await page.getByLabel('施行日期').fill('2024-03-01');
    await page.getByLabel(/^文件/).setInputFiles({ name: '户外广告设施设置管理办法.pdf', mimeType: 'application/pdf', buffer: pdf });
    await shot(page, 'laws-01-admin-upload');
    await page.getByRole('button', { name: '上传', exact: true }).click();
    await page.waitForURL(/\/laws\/[0-9a-f-]{36}$/, { timeout: 60_000 });
    expect(await page.locator('h1').textContent()).to.equal('城东区户外广告设施设置管理办法（试行）');
    expect(await page.locator('.law-text').textContent()).to.include('第六条');
    await context.close();
  });

  it('an inspector on a phone searches, sees the terms marked, and reads the document', async () => {
    const hostile = '城东区宣传品张贴须知\n\n第一条　张贴栏内不得出现<img src=x onerror="window.__xss=1">或<script>window.__xss=2</script>等内容。\n';
    const admin = await suite.server.signIn('admin');
    const form = new FormData();
    for (const [k, v] of Object.entries({ title: '城东区宣传品张贴须知', issuer: '城东区城市管理局', effectiveDate: '2024-05-01' })) form.append(k, v);
    form.append('file', new Blob([hostile]), 'notice.txt');
    expect((await admin.request('POST', '/api/laws', form)).status).to.equal(201);

    const { page } = await suite.signIn('inspector1', phone);
    await page.getByRole('link', { name: '执法文件' }).click();
    const box = page.getByRole('searchbox', { name: '搜索法规条文' });
    await box.fill('罚');
    await box.press('Enter');
    await page.waitForURL(/q=/);
    await page.locator('[data-list="laws"] li').first().waitFor();
    expect(await page.locator('[data-list="laws"] li').count()).to.be.at.least(3);
    expect(await page.locator('[data-list="laws"] li .snippet mark').first().textContent()).to.equal('罚');

    await box.fill('户外广告 36101');
    await box.press('Enter');
    await page.waitForURL(/36101/);
    const first = page.locator('[data-list="laws"] li').first();
    await first.locator('h2', { hasText: '试行' }).waitFor();
    expect(await first.locator('h2 mark').first().textContent()).to.equal('户外广告');
    expect(await first.locator('.snippet mark').allTextContents()).to.include('36101');
    const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    expect(width, 'no sideways scrolling on a 360-px phone').to.be.at.most(360);
    await shot(page, 'laws-02-phone-results');

    await first.locator('h2 a').click();
    await page.waitForURL(/\/laws\/[0-9a-f-]{36}\?q=/);
    await page.locator('.law-text mark').first().waitFor();
    expect(await page.locator('.law-matches [role="status"]').textContent()).to.match(/^\d+ 处匹配/);
    await page.getByRole('button', { name: '下一处' }).click();
    await page.locator('.law-text mark.current').first().waitFor();
    expect(await page.locator('.law-text mark.current').first().textContent()).to.match(/户外广告|36101/);
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).to.be.at.most(360);
    await shot(page, 'laws-03-phone-reader');

    await page.goto(`/laws?q=${encodeURIComponent('张贴栏')}`);
    const hit = page.locator('[data-list="laws"] li', { hasText: '宣传品张贴须知' });
    await hit.locator('h2 a').click();
    await page.locator('.law-text').waitFor();
    expect(await page.locator('.law-text').textContent()).to.include('<img src=x onerror="window.__xss=1">');
    expect(await page.locator('main img, main script').count()).to.equal(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).to.equal(undefined);
    await shot(page, 'laws-04-phone-markup-as-text');
  });

  it('keeps what is typed in the search box while the list is still loading', async () => {
    const { page, context } = await suite.signIn('inspector1', phone);
    let releaseList = () => {};
    const listHeld = new Promise<void>((resolve) => (releaseList = resolve));
    await page.route((url) => url.pathname === '/api/laws' && !url.searchParams.has('q'), async (route) => {
      await listHeld;
      await route.continue();
    });
    await page.getByRole('link', { name: '执法文件' }).click();
    const box = page.getByRole('searchbox', { name: '搜索法规条文' });
    await box.fill('张贴栏');
    const listed = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/laws');
    releaseList();
    await listed;
    await page.locator('[data-list="laws"] li').first().waitFor();
    expect(await box.inputValue()).to.equal('张贴栏');
    await box.press('Enter');
    await page.waitForURL(/q=/);
    await page.locator('[data-list="laws"] li', { hasText: '宣传品张贴须知' }).waitFor();
    await context.close();
  });

  it('shows the latest search when an earlier one answers late', async () => {
    const { page, context } = await suite.signIn('inspector1', phone);
    // the answer to the first search (罚) is held back until the second one has been shown
    let releaseFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    await page.route((url) => url.pathname === '/api/laws' && url.searchParams.get('q') === '罚', async (route) => {
      await firstHeld;
      await route.continue();
    });
    await page.getByRole('link', { name: '执法文件' }).click();
    const box = page.getByRole('searchbox', { name: '搜索法规条文' });
    await box.fill('罚');
    await box.press('Enter');
    await page.waitForURL(/q=%E7%BD%9A/);
    await box.fill('宣传品');
    await box.press('Enter');
    await page.locator('[data-list="laws"] li', { hasText: '宣传品张贴须知' }).waitFor();
    const shown = await page.locator('[data-list="laws"] li h2').allTextContents();
    const late = page.waitForResponse((response) => new URL(response.url()).searchParams.get('q') === '罚');
    releaseFirst();
    await late;
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(await page.locator('[data-list="laws"] li h2').allTextContents()).to.deep.equal(shown);
    expect(await page.locator('[data-list="laws"] li .snippet mark').allTextContents()).to.include('宣传品').and.not.include('罚');
    await context.close();
  });
});
