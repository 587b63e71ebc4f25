/**
 * The seven steps through the pages as four people — the dispatcher and the unit's lead on a
 * desktop, the inspector and the officer on a 360×740 phone — with photos taken in the forms,
 * one failed re-check (the loop back to 派遣), and the case view at the end.
 */
import { expect } from 'chai';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../support/server.js';
import { fieldLabels } from '../../forms/index.js';
import { browserSuite, desktop, phone, shot } from './browser.js';

async function jpeg(seed: number): Promise<Buffer> {
  return sharp({ create: { width: 80, height: 60, channels: 3, background: { r: (seed * 53) % 256, g: (seed * 97) % 256, b: (seed * 31) % 256 } } })
    .composite([{ input: Buffer.from(`<svg width="80" height="60"><rect x="${seed % 50}" y="10" width="20" height="30" fill="white"/></svg>`), top: 0, left: 0 }])
    .jpeg().toBuffer();
}

describe('browser: the seven steps through the pages', function () {
  this.timeout(240_000);
  const suite = browserSuite();
  let api: ApiClient;
  const pages: Record<string, Page> = {};
  let caseNumber = '';

  before(async () => {
    api = await suite.server.signIn('dispatcher1');
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && caseNumber) {
      const found = await api.get(`/api/cases?number=${caseNumber}`);
      const detail = await api.get(`/api/cases/${found.body.items[0]?.id}`);
      console.error('case at failure:', JSON.stringify(detail.body.case), detail.body.timeline.slice(-4).map((e: { type: string; elementId: string }) => `${e.type}:${e.elementId}`));
      console.error('todo:', JSON.stringify((await api.get('/api/tasks?view=todo&counts=true')).body).slice(0, 600));
      console.error('incidents:', JSON.stringify((await (await suite.server.signIn('admin')).get('/api/incidents')).body).slice(0, 800));
    }
    if (this.currentTest?.state === 'failed') for (const [name, page] of Object.entries(pages)) await shot(page, `failed-${name}`).catch(() => undefined);
  });

  /** Opens my 待办 task of this case at this step (the list polls, so it appears on its own). */
  async function openTask(page: Page, elementId: string): Promise<string> {
    // the list polls while its page is visible; a background page in headless Chromium may not
    // count as visible, so reload until the task is there (the engine creates it asynchronously)
    const card = page.locator(`li[data-element="${elementId}"][data-case="${caseNumber}"]`);
    for (let attempt = 0; ; attempt++) {
      await page.goto('/');
      try {
        await card.waitFor({ timeout: 3_000 });
        break;
      } catch (error) {
        if (attempt >= 10) throw error;
      }
    }
    await card.locator('a.cover').click();
    await page.locator('.task-form').waitFor();
    await page.locator('.fjs-form').waitFor();
    // submitting claims the task: the form shows no separate 认领
    expect(await page.getByRole('button', { name: '认领', exact: true }).count()).to.equal(0);
    return page.url().split('/tasks/')[1];
  }

  /** Picks a form-js select's option by its value (the label comes from the form's options). */
  async function choose(page: Page, taskId: string, label: string, optionsKey: string, value: string): Promise<void> {
    const form = await api.get(`/api/tasks/${taskId}/form`);
    const options = (form.body.options?.[optionsKey] ?? []) as { value: string; label: string }[];
    const option = options.find((o) => o.value === value);
    expect(option, `${value} among ${optionsKey}`).to.not.equal(undefined);
    await page.getByLabel(label).first().click();
    await page.locator('.fjs-dropdownlist-item', { hasText: option?.label }).first().click();
  }

  async function submit(page: Page): Promise<void> {
    await page.getByRole('button', { name: '提交办理' }).click();
    // back at 待办, which confirms what was submitted
    await page.locator('p[data-flash]', { hasText: `已办理：` }).filter({ hasText: caseNumber }).waitFor();
    expect(new URL(page.url()).pathname).to.equal('/');
  }

  async function addPhoto(page: Page, field: string, seed: number): Promise<void> {
    await page.locator(`#photo-${field}`).setInputFiles({ name: `site-${seed}.jpg`, mimeType: 'image/jpeg', buffer: await jpeg(seed) });
    await page.locator(`[data-photo-field="${field}"] li[data-state="done"]`).last().waitFor();
  }

  it('walks a case from 新建案件 to 结案 as four users, two on phones', async () => {
    for (const [name, device] of [['dispatcher1', desktop], ['inspector1', phone], ['wangqiang', desktop], ['zhangwei', phone]] as const) {
      pages[name] = (await suite.signIn(name, device)).page;
    }
    const d = pages.dispatcher1;
    // step 1: 新建案件
    await d.getByRole('link', { name: '新建案件' }).click();
    await d.getByLabel('来源').selectOption('hotline');
    await d.getByLabel('类别').selectOption('street-vending');
    await d.getByLabel('地址').fill('城东区解放路 88 号');
    await d.getByLabel('问题描述').fill('解放路菜场门口流动摊贩占道经营，影响通行');
    await d.getByLabel('举报人电话').fill('13812345678');
    await d.getByLabel('经度').fill('120.2075');
    await d.getByLabel('纬度').fill('30.2625');
    await shot(d, 'web-01-new-case');
    await d.getByRole('button', { name: '立案' }).click();
    await d.waitForURL(/\/cases\//);
    caseNumber = (await d.locator('[data-field="number"]').textContent()) ?? '';
    expect(caseNumber).to.match(/^ZF-\d{8}-\d{4}$/);

    // step 2: the dispatcher sends an inspector; the inspector verifies on the phone with a photo
    let id = await openTask(d, 'assignInspector');
    await shot(d, 'web-02-assign-inspector');
    // the server's field errors show inline: submit without choosing the inspector
    await d.getByRole('button', { name: '提交办理' }).click();
    await d.locator('.fjs-form-field-error, .error-summary').first().waitFor();
    await choose(d, id, '核实人员', 'inspectorOptions', 'inspector1');
    await d.getByLabel('派发说明').fill('请今天到现场');
    await submit(d);

    const i = pages.inspector1;
    await openTask(i, 'verifyReport');
    await i.getByLabel('属实', { exact: true }).check();
    await i.getByLabel('现场情况说明').fill('现场有 3 个摊位占道');
    // on a phone the case summary is folded: the form starts on the first screen
    expect(await i.locator('details[data-case-summary]').getAttribute('open')).to.equal(null);
    // no photo: the problem is named once, at the photo field, and clears when a photo is added
    await i.getByRole('button', { name: '提交办理' }).click();
    await i.locator('[data-photo-field="verifyPhotos"] .error', { hasText: '请至少上传一张照片' }).waitFor();
    expect(await i.getByText('请至少上传一张照片').count()).to.equal(1);
    await addPhoto(i, 'verifyPhotos', 1);
    expect(await i.locator('[data-photo-field="verifyPhotos"] .error').count()).to.equal(0);
    // a photo taken by mistake is taken out again before submitting
    await addPhoto(i, 'verifyPhotos', 2);
    await i.locator('[data-photo-field="verifyPhotos"] li').last().locator('[data-remove]').click();
    expect(await i.locator('[data-photo-field="verifyPhotos"] li').count()).to.equal(1);
    // nothing typed is lost: the draft is saved as one types, and a reload brings it back
    await i.locator('[data-draft]', { hasText: '草稿已保存' }).waitFor();
    await i.reload();
    await i.locator('[data-draft]', { hasText: '已恢复草稿' }).waitFor();
    expect(await i.getByLabel('现场情况说明').inputValue()).to.equal('现场有 3 个摊位占道');
    expect(await i.locator('[data-photo-field="verifyPhotos"] li[data-state="done"]').count()).to.equal(1);
    await shot(i, 'web-03-phone-verify');
    await submit(i);

    for (const [round, fixed] of [[1, false], [2, true]] as const) {
      // step 3: 派遣 (the suggested unit comes first)
      id = await openTask(d, 'dispatchToUnit');
      await choose(d, id, '责任单位', 'unitOptions', 'U-JD-01');
      await d.getByLabel('派遣意见').fill(`第${round}次派遣`);
      await submit(d);
      // step 4: the unit assigns its officer
      const l = pages.wangqiang;
      id = await openTask(l, 'assignOfficer');
      await choose(l, id, '执法队员', 'officerOptions', 'zhangwei');
      await submit(l);
      // step 5: the officer enforces on the phone, with a photo
      const o = pages.zhangwei;
      await openTask(o, 'enforce');
      await o.getByLabel('处置情况').fill('已责令摊主撤离并清理现场');
      await addPhoto(o, 'enforcePhotos', 10 + round);
      if (round === 1) await shot(o, 'web-04-phone-enforce');
      await submit(o);
      // step 6: the unit reviews
      await openTask(l, 'reviewResult');
      await l.getByLabel('审核通过，报市局').check();
      await submit(l);
      // step 7: re-check by the inspector
      id = await openTask(d, 'assignRecheck');
      await choose(d, id, '核查人员', 'inspectorOptions', 'inspector1');
      await submit(d);
      await openTask(i, 'recheck');
      await i.getByLabel(fixed ? '已整改到位' : '未整改到位').check();
      await i.getByLabel('核查情况说明').fill(fixed ? '已整改到位' : '摊贩仍在');
      await addPhoto(i, 'recheckPhotos', 20 + round);
      await submit(i);
    }

    // the case view: closed, the path marked on the diagram, the timeline, photos
    const caseId = (await api.get(`/api/cases?number=${caseNumber}`)).body.items[0].id;
    await d.goto(`/cases/${caseId}`);
    await d.locator('.djs-container').waitFor();
    await d.locator('.timeline li[data-type="task.completed"]').nth(13).waitFor();
    await d.locator('.loop-badge').first().waitFor();
    // the workers close the case after the last form (photo check, SMS, archive): the open
    // case view follows on its own, without a reload
    await d.locator('[data-field="status"]', { hasText: '已结案' }).waitFor({ timeout: 30_000 });
    await d.locator('.timeline li[data-type="case.closed"]').waitFor();
    // what people submitted reads as their forms labelled it
    expect(await d.locator('.timeline [data-field="verification"]').first().textContent()).to.equal('核实结论: 属实');
    const rechecks = (await d.locator('.timeline [data-field="recheckResult"]').allTextContents()).map((t) => t.replace(/^ · /, ''));
    expect(rechecks.sort()).to.deep.equal(['核查结论: 已整改到位', '核查结论: 未整改到位']);
    // people and units chosen in the forms, and who acted, by name rather than id
    const field = async (key: string) => ((await d.locator(`.timeline [data-field="${key}"]`).first().textContent()) ?? '').replace(/^ · /, '');
    const labels = fieldLabels();
    expect(await field('inspector')).to.equal(`${labels.inspector.label}: 信息员 李明`);
    expect(await field('unitId')).to.equal(`${labels.unitId.label}: 城东街道执法中队`);
    expect(await field('officer')).to.equal(`${labels.officer.label}: 张伟`);
    expect(await d.locator('.timeline li[data-type="task.completed"][data-element="enforce"] [data-actor]').first().textContent()).to.match(/: 张伟$/);
    expect(await d.locator('.timeline [data-actor="worker:photo-verify"]').first().textContent()).to.equal('办理人: 系统');
    expect(await d.locator('.bjs-powered-by').count()).to.equal(1); // the bpmn.io watermark stays
    await shot(d, 'web-05-case-view');
    await d.goto('/?view=closed');
    await d.locator(`li[data-case="${caseNumber}"]`).first().waitFor();
    await shot(d, 'web-06-closed-list');
    await pages.inspector1.goto('/?view=closed');
    await pages.inspector1.locator(`li[data-case="${caseNumber}"]`).first().waitFor();
    // one card for the case, not one per task: the inspector's 现场核实 and both re-checks
    const card = pages.inspector1.locator(`li[data-case="${caseNumber}"]`);
    expect(await card.count()).to.equal(1);
    expect(await card.locator('[data-my-steps]').textContent()).to.equal('我办理：现场核实、核查 ×2');
    expect(await card.locator('.state').textContent()).to.equal('已结案');
    await shot(pages.inspector1, 'web-07-phone-closed');
  });
});
