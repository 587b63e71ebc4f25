/**
 * A citizen's SMS becomes a case from the inbox page (and its `<script>` is shown as text,
 * never run); the admin edits the diagram in the modeler, sees bpmnlint's verdict and deploys
 * it as a new version.
 */
import { expect } from 'chai';
import { browserSuite, desktop, phone, shot } from './browser.js';

describe('browser: SMS inbox and the modeler', function () {
  this.timeout(180_000);
  const suite = browserSuite();


  it('opens a case from a citizen SMS; the SMS text (with <script>) is shown as text', async () => {
    const hostile = '解放路口有人乱摆摊<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">';
    suite.server.simulator?.sendMo({ from: '13900001111', text: hostile, coding: 'ucs2' });
    const { page } = await suite.signIn('dispatcher1', phone);
    await page.getByRole('link', { name: '投诉短信' }).click();
    const card = page.locator('li.sms', { hasText: '13900001111' });
    await card.waitFor({ timeout: 30_000 });
    expect(await card.locator('.sms-text').textContent()).to.equal(hostile);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).to.equal(undefined);
    expect(await page.locator('main img[src="x"], main script').count()).to.equal(0);
    await shot(page, 'web-08-phone-sms-inbox');

    await card.getByRole('button', { name: '一键立案' }).click();
    await card.getByLabel('类别').selectOption('street-vending');
    await card.getByLabel('地址').fill('城东区解放路与建国路口');
    // the dispatcher's edit of the description survives the inbox's next refresh
    const edited = `${hostile}（坐席补充：早高峰）`;
    await card.getByLabel('问题描述').fill(edited);
    await page.waitForResponse((response) => new URL(response.url()).pathname === '/api/sms/inbox');
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(await card.getByLabel('问题描述').inputValue()).to.equal(edited);
    await card.getByRole('button', { name: '立案', exact: true }).click();
    await page.waitForURL(/\/cases\//);
    expect(await page.locator('.summary').textContent()).to.include('短信').and.include('13900001111');
    expect(await page.locator('.summary .desc').textContent()).to.equal(edited);
    // on a phone the case reads as its steps; the diagram is one tap away
    await page.locator('[data-steps] li[data-state="created"]').first().waitFor();
    await page.getByRole('button', { name: '显示流程图' }).click();
    await page.locator('.djs-container').waitFor();
    await page.locator('.step-current').first().waitFor();
    await shot(page, 'web-09-phone-sms-case');
  });

  it('edits the diagram in the modeler, lints it and deploys a new version', async () => {
    const { page } = await suite.signIn('admin', desktop);
    await page.getByRole('link', { name: '流程建模' }).click();
    await page.locator('.djs-container').waitFor();
    await page.locator('[data-versions] tr[data-version="1"]').waitFor();
    await page.locator('#problems-h', { hasText: '检查结果：' }).waitFor().catch(() => undefined);
    await shot(page, 'web-10-modeler-loaded');
    expect(await page.locator('#problems-h').textContent()).to.include('0 个错误');
    expect(await page.locator('.bjs-powered-by').count()).to.equal(1);
    // rename 单位审核 through direct editing on the canvas
    await page.locator('g.djs-element[data-element-id="reviewResult"]').dblclick();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('单位审核（复核）');
    await page.locator('.djs-container svg').first().click({ position: { x: 5, y: 5 } });
    await page.locator('.bio-properties-panel').first().waitFor();
    // the properties panel in Chinese
    await page.locator('g.djs-element[data-element-id="reviewResult"]').click();
    await page.locator('.bio-properties-panel-group-header-title', { hasText: '通用' }).first().waitFor();
    expect(await page.locator('.bio-properties-panel-group-header-title').allTextContents()).to.not.include('General');
    await shot(page, 'web-10-modeler');
    // a nameless task: bpmnlint's finding reads in Chinese; undone, the diagram is clean again
    await page.locator('g.djs-element[data-element-id="enforce"]').dblclick();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.locator('.djs-container svg').first().click({ position: { x: 5, y: 5 } });
    const finding = page.locator('[data-problems] li[data-rule="label-required"]');
    await finding.waitFor();
    expect(await finding.textContent()).to.include('enforce').and.include('元素缺少名称');
    await page.keyboard.press('Control+Z');
    await finding.waitFor({ state: 'detached' });
    await page.locator('[data-action="deploy"]:not([disabled])').click();
    // 部署 asks first, saying what changed
    const confirmBox = page.locator('[data-deploy-confirm]');
    await confirmBox.locator('[data-changes] li', { hasText: '改名：单位审核 → 单位审核（复核）' }).waitFor();
    expect(await confirmBox.locator('[data-changes] li').count()).to.equal(1);
    await shot(page, 'web-10b-modeler-confirm-deploy');
    await confirmBox.getByRole('button', { name: '确认部署' }).click();
    await page.locator('.modeler-status', { hasText: '已部署版本 v2' }).waitFor();
    await page.locator('[data-versions] tr[data-version="2"]').waitFor();
    const xml = await (await suite.server.signIn('admin')).get('/api/processes/enforcement-case/xml');
    expect(String(xml.body)).to.include('单位审核（复核）');
    const list = await (await suite.server.signIn('admin')).get('/api/processes');
    expect(list.body.find((d: { bpmnProcessId: string }) => d.bpmnProcessId === 'enforcement-case').latestVersion).to.equal(2);

    // a change bpmnlint lets through but the platform's contract does not: refused, each problem listed
    await page.locator('g.djs-element[data-element-id="reviewResult"]').dblclick();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Review');
    await page.locator('.djs-container svg').first().click({ position: { x: 5, y: 5 } });
    await page.locator('[data-action="deploy"]:not([disabled])').click();
    await confirmBox.getByRole('button', { name: '确认部署' }).click();
    await page.locator('[data-problems] li[data-deploy-error="reviewResult"]', { hasText: '需要中文名称' }).waitFor();
    expect(await page.locator('.modeler-status').textContent()).to.include('部署失败').and.include('未部署');
    await shot(page, 'web-11-modeler-deploy-refused');
    const after = await (await suite.server.signIn('admin')).get('/api/processes');
    expect(after.body.find((d: { bpmnProcessId: string }) => d.bpmnProcessId === 'enforcement-case').latestVersion).to.equal(2);
  });
});
