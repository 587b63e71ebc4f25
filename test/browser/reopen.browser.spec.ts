/**
 * 重新开启 in the pages (issue 12, point 9): a repeat SMS refused for its closed case offers both
 * ways on — 重新开启原案件（新一轮） with the reason asked in an in-page dialog (never the
 * browser's prompt), and 重新立案 referring to it — and the case page offers 重新开启 to the desk.
 */
import { expect } from 'chai';
import sharp from 'sharp';
import { eventually, type ApiClient } from '../support/server.js';
import { browserSuite, desktop, phone, shot } from './browser.js';

describe('browser: reopening a closed case', function () {
  this.timeout(180_000);
  const suite = browserSuite();

  async function todo(client: ApiClient, caseId: string, elementId: string): Promise<string> {
    return eventually(async () => (await client.get('/api/tasks?view=todo&limit=100')).body.items
      .find((t: { caseId: string; elementId: string }) => t.caseId === caseId && t.elementId === elementId)?.id as string | undefined, elementId);
  }

  /** A case walked to 不属实 and archived, as the dispatcher and inspector1 would. */
  async function dismissedCase(dispatcher: ApiClient, inspector: ApiClient, address: string): Promise<{ id: string; number: string }> {
    const created = await dispatcher.post('/api/cases', { source: 'hotline', category: 'street-vending', description: `${address}有人摆摊`, address, reporterPhone: '13812360001' });
    const id = created.body.case.id as string;
    await dispatcher.post(`/api/tasks/${await todo(dispatcher, id, 'assignInspector')}/complete`, { variables: { inspector: 'inspector1' } });
    const verify = await todo(inspector, id, 'verifyReport');
    const form = new FormData();
    form.append('photo', new Blob([await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 90, g: 20, b: 30 } } }).jpeg().toBuffer()], { type: 'image/jpeg' }), 'a.jpg');
    const photo = await inspector.request('POST', `/api/tasks/${verify}/photos`, form);
    await inspector.post(`/api/tasks/${verify}/complete`, { variables: { verification: 'unsubstantiated', verifyNotes: '现场未发现', verifyPhotos: [photo.body.id] } });
    await dispatcher.post(`/api/tasks/${await todo(dispatcher, id, 'confirmDismissal')}/complete`, { variables: { dismissalDecision: 'confirm' } });
    await eventually(async () => (await dispatcher.get(`/api/cases/${id}`)).body.case.status === 'dismissed', 'the case dismissed');
    return { id, number: created.body.case.number as string };
  }

  it('offers 重新开启 or 重新立案 for a repeat about a closed case, and reopens it with a reason from a dialog', async () => {
    const dispatcher = await suite.server.signIn('dispatcher1');
    const inspector = await suite.server.signIn('inspector1');
    await eventually(async () => suite.server.simulator?.isBound, 'the gateway bound');
    const closed = await dismissedCase(dispatcher, inspector, '城东区解放路 50 号');
    suite.server.simulator!.sendMo({ from: '13812360001', text: '浏览器：上次说不属实，摊贩又来了' });
    const repeat = await eventually(async () => (await dispatcher.get('/api/sms/inbox?handled=false&limit=200')).body.items
      .find((m: { text: string }) => m.text === '浏览器：上次说不属实，摊贩又来了')?.id as number | undefined, 'the repeat in the inbox');

    const { page } = await suite.signIn('dispatcher1', desktop);
    const prompts: string[] = [];
    page.on('dialog', (d) => {
      prompts.push(d.message());
      void d.dismiss();
    });
    await page.goto('/sms');
    const card = page.locator(`li[data-sms="${repeat}"]`);
    await card.getByRole('button', { name: '关联案件' }).click();
    await card.getByLabel('案件编号').fill(closed.number);
    await card.locator('form[data-form="link"]').getByRole('button', { name: '关联案件' }).click();
    await card.locator('[role=alert]', { hasText: '已办结' }).waitFor();
    // both ways on, each naming the case
    const choices = card.locator('[data-closed-case-choices]');
    await choices.getByRole('button', { name: `重新开启原案件（新一轮） ${closed.number}` }).waitFor();
    await choices.getByRole('button', { name: `重新立案，关联原案件 ${closed.number}` }).waitFor();
    await shot(page, 'web-60-sms-closed-case-choices');

    await choices.getByRole('button', { name: /重新开启原案件/ }).click();
    const dialog = page.locator('dialog[data-dialog="reopen-case"]');
    await dialog.waitFor();
    expect(await dialog.getByRole('heading').innerText()).to.equal(`重新开启案件 ${closed.number}`);
    await dialog.locator('[data-reopen-sms]', { hasText: '这条短信将关联到该案件' }).waitFor();
    // a reason is required: the server's word beside the field, nothing reopened
    await dialog.getByRole('button', { name: '确认重新开启' }).click();
    const reasonError = dialog.locator('[data-error-for="reason"]');
    await reasonError.waitFor();
    expect(await reasonError.innerText()).to.equal('必填'); // once, though two rules say so
    await dialog.getByLabel('重新开启原因').fill('市');
    await reasonError.waitFor({ state: 'detached' }); // typing clears it
    expect((await dispatcher.get(`/api/cases/${closed.id}`)).body.case.status).to.equal('dismissed');
    await dialog.getByLabel('重新开启原因').fill('市民再次反映有人摆摊，重新核实');
    await shot(page, 'web-61-reopen-dialog');
    await dialog.getByRole('button', { name: '确认重新开启' }).click();

    // on the case: open again, the reason in the timeline in words, the repeat SMS, the new 派发核实
    await page.waitForURL((url) => url.pathname === `/cases/${closed.id}`);
    const reopenedEvent = page.locator('ol.timeline li[data-type="case.reopened"]');
    await reopenedEvent.waitFor();
    expect(await reopenedEvent.innerText()).to.include('重新开启（新一轮）').and.include('原因: 市民再次反映有人摆摊，重新核实').and.include('坐席 周敏');
    await page.locator('ol.timeline li[data-type="case.dismissed"]', { hasText: '不属实结束' }).waitFor();
    await page.locator('[data-list="received"] li', { hasText: '浏览器：上次说不属实，摊贩又来了' }).waitFor();
    await page.locator('[data-open-tasks] a', { hasText: '派发核实' }).waitFor();
    expect(await page.locator('[data-reopen]').count()).to.equal(0); // open: nothing to reopen
    await shot(page, 'web-62-case-reopened');
    expect((await dispatcher.get(`/api/sms/inbox/${repeat}`)).body).to.include({ handled: true, caseId: closed.id });
    expect(prompts).to.deep.equal([]);
  });

  it('offers 重新开启 on a closed case page to the desk only', async () => {
    const dispatcher = await suite.server.signIn('dispatcher1');
    const inspector = await suite.server.signIn('inspector1');
    const closed = await dismissedCase(dispatcher, inspector, '城东区解放路 52 号');

    // the inspector who verified it sees the case, without the action
    const field = await suite.signIn('inspector1', phone);
    await field.page.goto(`/cases/${closed.id}`);
    await field.page.getByRole('heading', { name: new RegExp(closed.number) }).waitFor();
    expect(await field.page.locator('[data-reopen]').count()).to.equal(0);
    await field.context.close();

    const { page } = await suite.signIn('dispatcher1', desktop);
    await page.goto(`/cases/${closed.id}`);
    await page.locator('[data-reopen]').getByRole('button', { name: '重新开启' }).click();
    const dialog = page.locator('dialog[data-dialog="reopen-case"]');
    await dialog.waitFor();
    expect(await dialog.locator('[data-reopen-sms]').count()).to.equal(0); // no message from here
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await dispatcher.get(`/api/cases/${closed.id}`)).body.case.status).to.equal('dismissed');

    await page.locator('[data-reopen]').getByRole('button', { name: '重新开启' }).click();
    await dialog.getByLabel('重新开启原因').fill('领导交办：再核实一次');
    await dialog.getByRole('button', { name: '确认重新开启' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('ol.timeline li[data-type="case.reopened"]', { hasText: '领导交办：再核实一次' }).waitFor();
    await page.locator('[data-reopen]').waitFor({ state: 'detached' });
    // the page follows the reopened case again: the new round's first task appears by itself
    await page.locator('[data-open-tasks] a', { hasText: '派发核实' }).waitFor();
    expect((await dispatcher.get(`/api/cases/${closed.id}`)).body.case).to.include({ status: 'open', rounds: 1 });
  });
});
