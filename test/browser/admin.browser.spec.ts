/**
 * The admin pages in Chromium: a unit created (with a lead and a roster change), areas uploaded
 * and drawn on the map (a bad file refused whole, a `<script>` name shown as text), a category
 * edited and that edit found in the audit log; the modeler's version counts, case badges and
 * form preview; and the case location on a phone (map app link, map on a tap) and a desk.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { eventually, type ApiClient } from '../support/server.js';
import { browserSuite, desktop, phone, shot } from './browser.js';

const square = (x: number, y: number, size: number) => [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]];
const hostileName = '测试网格<script>window.__xss = 1</script>';

const uploadFile = (collection: unknown) => ({ name: 'areas.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(collection)) });
const mapPaths = (page: Page, map: string) => page.locator(`${map} path.leaflet-interactive`).count();

describe('browser: admin pages, maps and the modeler', function () {
  this.timeout(240_000);
  const suite = browserSuite();
  let dispatcher: ApiClient;

  before(async () => {
    dispatcher = await suite.server.signIn('dispatcher1');
  });

  it('creates a unit with a lead and a roster change', async () => {
    const { page } = await suite.signIn('admin', desktop);
    await page.getByRole('link', { name: '单位', exact: true }).click();
    await page.locator('tr[data-unit="U-JD-01"]').waitFor();
    await page.getByRole('button', { name: '新建单位' }).click();
    const form = page.locator('form[data-form="unit"]');
    await form.getByLabel('单位编号').fill('U-TEST-01');
    await form.getByLabel('名称').fill('测试执法中队');
    await form.getByLabel('电话').fill('0571-86019999');
    await form.getByRole('button', { name: '保存' }).click();
    const row = page.locator('tr[data-unit="U-TEST-01"]');
    await row.waitFor();
    expect(await row.textContent()).to.include('测试执法中队');
    const detail = page.locator('[data-unit-detail="U-TEST-01"]');
    await detail.waitFor();
    await detail.getByLabel('用户名').fill('wangqiang');
    await detail.getByRole('button', { name: '添加' }).first().click();
    await detail.locator('[data-list="leads"] li', { hasText: 'wangqiang' }).waitFor();

    // the roster of an existing unit: a tap on a day flips that officer's duty for the date
    await page.locator('tr[data-unit="U-JD-01"]').getByRole('button', { name: /执法队员/ }).click();
    const cell = page.locator('[data-unit-detail="U-JD-01"] tr[data-officer="zhangwei"] button.duty').nth(1);
    const before = await cell.getAttribute('aria-pressed');
    await cell.click();
    await page.waitForFunction(([date, was]) => (globalThis as any).document.querySelector(`[data-unit-detail="U-JD-01"] tr[data-officer="zhangwei"] button.duty[data-date="${date}"]`)?.getAttribute('aria-pressed') !== was,
      [await cell.getAttribute('data-date'), before] as const);
    await shot(page, 'web-20-admin-units');
  });

  it('uploads areas and draws them on the map; a bad file is refused whole; names stay text', async () => {
    const { page } = await suite.signIn('admin', desktop);
    await page.getByRole('link', { name: '区域', exact: true }).click();
    const existing = (await (await suite.server.signIn('admin')).get('/api/areas')).body.length as number;
    expect(existing).to.be.greaterThan(10);
    await eventually(async () => (await mapPaths(page, '.areas-map')) === existing, `${existing} areas drawn`);

    const good = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 'T-1', name: hostileName, kind: 'grid', unitId: 'U-TEST-01' }, geometry: { type: 'Polygon', coordinates: square(120.25, 30.25, 0.005) } },
        { type: 'Feature', properties: { id: 'T-2', name: '测试街道（两块）', kind: 'street', unitId: 'U-TEST-01' }, geometry: { type: 'MultiPolygon', coordinates: [square(120.26, 30.25, 0.004), square(120.27, 30.25, 0.004)] } },
      ],
    };
    const bad = { ...good, features: [good.features[0], { ...good.features[1], geometry: { type: 'Polygon', coordinates: [[[120.26, 30.25], [120.27, 30.26], [120.27, 30.25], [120.26, 30.26], [120.26, 30.25]]] } }] };

    await page.locator('input[type=file]').setInputFiles(uploadFile(bad));
    await page.getByRole('button', { name: '上传', exact: true }).click();
    await page.locator('.error-summary [data-field^="features[1]"]').waitFor();
    expect(await mapPaths(page, '.areas-map')).to.equal(existing); // nothing saved
    await shot(page, 'web-21-admin-areas-refused');

    await page.locator('input[type=file]').setInputFiles(uploadFile(good));
    await page.getByRole('button', { name: '上传', exact: true }).click();
    expect(await page.locator('[data-import-result]').textContent()).to.include('新增 2');
    await eventually(async () => (await mapPaths(page, '.areas-map')) === existing + 2, 'the two new areas drawn');
    expect(await page.locator('.areas-map path[data-area="T-2"]').count()).to.equal(1); // a MultiPolygon is one shape
    expect(await page.locator('tr[data-area="T-1"] td').nth(1).textContent()).to.equal(hostileName);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).to.equal(undefined);
    expect(await page.locator('main script').count()).to.equal(0);
    await page.locator('tr[data-area="T-1"]').getByRole('button', { name: 'T-1' }).click();
    await page.locator('.areas-map path[data-area="T-1"][stroke="#c0392b"]').waitFor();
    expect(await page.locator('.leaflet-control-scale').count()).to.equal(1);
    expect(await page.locator('.leaflet-tile').count()).to.equal(0); // no tile server configured: vectors only
    await shot(page, 'web-22-admin-areas-map');
  });

  it('lists the accounts with roles in words and units by name, never their keys', async () => {
    const { page, context } = await suite.signIn('admin', desktop);
    await page.getByRole('link', { name: '用户', exact: true }).click();
    const row = page.locator('tr', { hasText: 'wangqiang' });
    await row.locator('td', { hasText: '城东街道执法中队' }).waitFor();
    expect(await row.locator('td[data-role]').textContent()).to.equal('单位负责人');
    const roles = await page.locator('td[data-role]').allTextContents();
    for (const key of ['dispatcher', 'inspector', 'unit-lead', 'officer', 'admin']) expect(roles, key).to.not.include(key);
    expect(await page.locator('table.list').textContent()).to.not.match(/U-[A-Z]{2}-\d{2}/);
    await context.close();
  });

  it('edits a category and finds the edit in the audit log', async () => {
    const { page } = await suite.signIn('admin', desktop);
    await page.getByRole('link', { name: '类别', exact: true }).click();
    const row = page.locator('tr[data-category="illegal-stacking"]');
    await row.getByRole('button', { name: '编辑' }).click();
    const form = page.locator('form[data-form="category"]');
    expect(await form.getByLabel('代码').getAttribute('readonly')).to.not.equal(null);
    await form.getByLabel('中文名称').fill('乱堆物料（含建筑垃圾）');
    await form.getByLabel('指定单位（不论区域）').selectOption('U-TEST-01');
    await form.getByLabel('办理时限（小时）').fill('36');
    await form.getByRole('button', { name: '保存' }).click();
    await page.locator('[data-saved]', { hasText: 'illegal-stacking' }).waitFor();
    expect(await row.textContent()).to.include('乱堆物料（含建筑垃圾）').and.include('36');
    expect(await row.locator('[data-field="overrideUnitId"]').textContent()).to.include('U-TEST-01');
    await shot(page, 'web-23-admin-categories');

    await page.getByRole('link', { name: '审计日志' }).click();
    await page.locator('[data-list="audit"] tbody tr').first().waitFor();
    const filter = page.locator('form[data-form="audit-filter"]');
    await filter.getByLabel('操作人').fill('admin');
    await filter.getByLabel('操作', { exact: true }).selectOption('category.*');
    const hourAgo = new Date(Date.now() - 3_600_000 + 8 * 3_600_000).toISOString().slice(0, 16); // Asia/Shanghai wall time
    await filter.getByLabel('起始时间').fill(hourAgo);
    await filter.getByRole('button', { name: '筛选' }).click();
    const edit = page.locator('tr[data-action="category.update"]');
    await edit.first().waitFor();
    expect(await edit.first().locator('[data-field="target"]').textContent()).to.equal('illegal-stacking');
    expect(await edit.first().locator('[data-field="action"]').textContent()).to.equal('修改类别');
    expect(await page.locator('[data-list="audit"] tbody tr').count()).to.equal(await page.locator('[data-list="audit"] tbody tr[data-action^="category."]').count());
    await shot(page, 'web-24-admin-audit');
    await filter.getByLabel('截止时间').fill(hourAgo);
    await filter.getByRole('button', { name: '筛选' }).click();
    await page.locator('main p.muted', { hasText: '暂无记录' }).waitFor();
  });

  it('shows the modeler version counts, where open cases stand, and a form preview', async () => {
    const created = await dispatcher.post('/api/cases', { source: 'hotline', category: 'illegal-posting', description: '建模计数测试', address: '城东区解放路 3 号' });
    expect(created.status).to.equal(201);
    const standing = await eventually(async () => {
      const c = (await dispatcher.get(`/api/cases/${created.body.case.id}`)).body.case;
      return c.currentStep === 'assignInspector' ? c : null;
    }, 'the case at 派发核实');
    expect(standing.processVersion).to.equal(1);

    const { page } = await suite.signIn('admin', desktop);
    await page.getByRole('link', { name: '流程建模' }).click();
    const open = page.locator('[data-versions] tr[data-version="1"] td[data-field="open"]');
    await open.waitFor();
    const openCount = Number(await open.textContent());
    expect(openCount).to.be.greaterThan(0);
    expect(await page.locator('[data-versions] tr[data-version="1"] td[data-field="closed"]').textContent()).to.match(/^\d+$/);
    // the one date format of every page (年/月/日 时:分, Shanghai time)
    expect(await page.locator('[data-versions] tr[data-version="1"] td[data-field="deployedAt"]').textContent()).to.match(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}$/);
    const badge = page.locator('.case-count[data-element="assignInspector"]');
    await badge.waitFor();
    expect(Number(await badge.textContent())).to.be.greaterThan(0);
    const badges = await page.locator('.case-count').evaluateAll((nodes) => nodes.map((n) => Number(n.textContent)));
    expect(badges.reduce((a, b) => a + b, 0)).to.equal(openCount);

    await page.locator('g.djs-element[data-element-id="reviewResult"]').click();
    const preview = page.locator('.form-preview[data-form-id="review-result"]');
    await preview.locator('.fjs-form').waitFor();
    expect(await preview.locator('h2').textContent()).to.include('单位审核');
    const fields = preview.locator('.fjs-form input, .fjs-form textarea');
    expect(await fields.count()).to.be.greaterThan(0);
    expect(await fields.evaluateAll((nodes) => nodes.every((n) => (n as unknown as { readOnly: boolean; disabled: boolean }).readOnly || (n as unknown as { disabled: boolean }).disabled))).to.equal(true);
    await shot(page, 'web-25-modeler-counts-and-form');
  });

  it("shows a case's location: the map app link and a map on a tap on a phone, the map with its area on a desk", async () => {
    const created = await dispatcher.post('/api/cases', {
      source: 'hotline', category: 'street-vending', description: '地图测试：人行道上有摊位', address: '城东区解放路 66 号', location: { lng: 120.2075, lat: 30.2625 },
    });
    expect(created.status).to.equal(201);
    const caseId = created.body.case.id as string;
    const todo = async (client: ApiClient, elementId: string) => eventually(async () => (await client.get('/api/tasks?view=todo&limit=100')).body.items
      .find((t: { caseId: string; elementId: string }) => t.caseId === caseId && t.elementId === elementId), `${elementId} for ${client.username}`);
    const assign = await todo(dispatcher, 'assignInspector');
    expect((await dispatcher.post(`/api/tasks/${assign.id}/complete`, { variables: { inspector: 'inspector1', assignNotes: '请核实' } })).status).to.equal(200);
    const inspector = await suite.server.signIn('inspector1');
    const verify = await todo(inspector, 'verifyReport');

    const { page } = await suite.signIn('inspector1', phone);
    await page.goto(`/tasks/${verify.id}`);
    // the case summary is folded on a phone (the form comes first): one tap opens it
    await page.locator('details[data-case-summary] > summary').click();
    const geo = page.locator('a[data-geo]');
    await geo.waitFor();
    expect(await geo.getAttribute('href')).to.match(/^geo:30\.262500,120\.207500\?q=30\.262500,120\.207500\(/);
    expect(await page.locator('.case-map').count()).to.equal(0); // a phone downloads Leaflet only on a tap
    await page.getByRole('button', { name: '显示地图' }).click();
    await page.locator('.case-map path.leaflet-interactive').first().waitFor();
    await shot(page, 'web-26-phone-task-location');

    // once verified, the case knows its area: a desk sees the point inside the area's outline at once
    const form = new FormData();
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 40, g: 120, b: 200 } } }).jpeg().toBuffer();
    form.append('photo', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'site.jpg');
    const uploaded = await inspector.request('POST', `/api/tasks/${verify.id}/photos`, form);
    expect(uploaded.status, JSON.stringify(uploaded.body)).to.equal(201);
    const verified = await inspector.post(`/api/tasks/${verify.id}/complete`, { variables: { verification: 'substantiated', verifyNotes: '属实', verifyPhotos: [uploaded.body.id] } });
    expect(verified.status, JSON.stringify(verified.body)).to.equal(200);
    const areaId = await eventually(async () => (await dispatcher.get(`/api/cases/${caseId}`)).body.case.areaId, 'the case area');
    const desk = await suite.signIn('dispatcher1', desktop);
    await desk.page.goto(`/cases/${caseId}`);
    await desk.page.locator(`.case-map path[data-area="${areaId}"]`).waitFor();
    expect(await mapPaths(desk.page, '.case-map')).to.equal(2); // the area and the case's point
    await shot(desk.page, 'web-27-case-location-area');
  });
});
