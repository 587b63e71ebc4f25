/**
 * Evidence where people decide (issue 12, point 4): the 派遣 page shows the inspector's photos
 * and their 存疑 flags, 执法处置 shows what the inspector found, 单位审核 the officer's photos, and a
 * 退回 without its reason is refused on the page (and by the server).
 */
import { expect } from 'chai';
import sharp from 'sharp';
import { eventually, type ApiClient } from '../support/server.js';
import { browserSuite, desktop, phone, shot } from './browser.js';

async function photo(seed: number): Promise<Blob> {
  const jpeg = await sharp({ create: { width: 80, height: 60, channels: 3, background: { r: (seed * 70) % 256, g: 120, b: 60 } } }).jpeg().toBuffer();
  return new Blob([jpeg], { type: 'image/jpeg' });
}

describe('browser: the evidence on the task pages', function () {
  this.timeout(180_000);
  const suite = browserSuite();

  async function openTask(client: ApiClient, caseId: string, elementId: string): Promise<string> {
    return eventually(async () => (await client.get('/api/tasks?view=todo&limit=100')).body.items
      .find((t: { caseId: string; elementId: string }) => t.caseId === caseId && t.elementId === elementId)?.id as string | undefined, `${elementId} in ${client.username}'s 待办`);
  }

  async function upload(client: ApiClient, taskId: string, seed: number): Promise<string> {
    const form = new FormData();
    form.append('photo', await photo(seed), `site-${seed}.jpg`);
    const response = await client.request('POST', `/api/tasks/${taskId}/photos`, form);
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return response.body.id;
  }

  it('shows earlier steps and their flagged photos where the next person decides; a 退回 needs its reason', async () => {
    const dispatcher = await suite.server.signIn('dispatcher1');
    const inspector = await suite.server.signIn('inspector1');
    const officer = await suite.server.signIn('zhangwei');
    const lead = await suite.server.signIn('wangqiang');
    const created = await dispatcher.post('/api/cases', {
      source: 'hotline', category: 'street-vending', description: '证据展示测试：摊贩占道', address: '城东区解放路 70 号', location: { lng: 120.2075, lat: 30.2625 },
    });
    const caseId = created.body.case.id as string;
    const assign = await openTask(dispatcher, caseId, 'assignInspector');
    expect((await dispatcher.post(`/api/tasks/${assign}/complete`, { variables: { inspector: 'inspector1' } })).status).to.equal(200);
    const verify = await openTask(inspector, caseId, 'verifyReport');
    const verifyPhoto = await upload(inspector, verify, 1);
    expect((await inspector.post(`/api/tasks/${verify}/complete`, { variables: { verification: 'substantiated', verifyNotes: '现场有三个摊位占道', verifyPhotos: [verifyPhoto] } })).status).to.equal(200);

    // 派遣: the inspector's notes and photo, flagged (no EXIF time or GPS in a generated image)
    const dispatch = await openTask(dispatcher, caseId, 'dispatchToUnit');
    await eventually(async () => ((await dispatcher.get(`/api/cases/${caseId}/photos`)).body[0]?.checks?.length ?? 0) > 0, 'the photo checked');
    const desk = await suite.signIn('dispatcher1', desktop);
    await desk.page.goto(`/tasks/${dispatch}`);
    const evidence = desk.page.locator('[data-evidence]');
    const step = evidence.locator('li[data-step="verifyReport"]');
    await step.waitFor();
    expect(await step.textContent()).to.include('现场核实').and.include('现场有三个摊位占道').and.include('信息员 李明');
    await step.locator(`[data-photo="${verifyPhoto}"][data-flagged="true"]`).waitFor();
    expect(await step.locator('[data-flag]').first().textContent()).to.match(/[\u4e00-\u9fff]/);
    expect(await evidence.locator('[data-flagged-count]').textContent()).to.include('存疑');
    await shot(desk.page, 'web-43-dispatch-evidence');
    // the case links to its open task
    await desk.page.goto(`/cases/${caseId}`);
    await desk.page.locator('[data-open-tasks] a', { hasText: '去办理：派遣' }).click();
    await desk.page.waitForURL((url) => url.pathname === `/tasks/${dispatch}`);
    await desk.context.close();
    expect((await dispatcher.post(`/api/tasks/${dispatch}/complete`, { variables: { unitId: 'U-JD-01' } })).status).to.equal(200);
    const assignOfficer = await openTask(lead, caseId, 'assignOfficer');
    expect((await lead.post(`/api/tasks/${assignOfficer}/complete`, { variables: { officer: 'zhangwei' } })).status).to.equal(200);

    // 执法处置 on a phone: what the inspector found, folded under the summary
    const enforce = await openTask(officer, caseId, 'enforce');
    const mobile = await suite.signIn('zhangwei', phone);
    await mobile.page.goto(`/tasks/${enforce}`);
    const folded = mobile.page.locator('[data-evidence]');
    await folded.waitFor();
    expect(await folded.getAttribute('open'), 'folded on a phone').to.equal(null);
    await folded.locator('summary').click();
    await folded.locator('li[data-step="verifyReport"]', { hasText: '现场有三个摊位占道' }).waitFor();
    // the case on a phone: its steps as a list, the diagram one tap away
    await mobile.page.goto(`/cases/${caseId}`);
    await mobile.page.locator('[data-steps] li[data-step="enforce"][data-state="created"]').waitFor();
    expect(await mobile.page.locator('[data-steps] li[data-state="completed"]').count()).to.equal(4);
    expect(await mobile.page.locator('.diagram').count()).to.equal(0);
    await shot(mobile.page, 'web-45-case-steps-phone');
    await mobile.page.getByRole('button', { name: '显示流程图' }).click();
    await mobile.page.locator('.diagram svg').first().waitFor();
    await mobile.context.close();
    const enforcePhoto = await upload(officer, enforce, 2);
    expect((await officer.post(`/api/tasks/${enforce}/complete`, { variables: { enforceResult: '已责令撤离', enforcePhotos: [enforcePhoto] } })).status).to.equal(200);

    // 单位审核: the officer's photo; 退回 with no reason is refused on the page, nothing submitted
    const review = await openTask(lead, caseId, 'reviewResult');
    const leadDesk = await suite.signIn('wangqiang', desktop);
    await leadDesk.page.goto(`/tasks/${review}`);
    await leadDesk.page.locator(`[data-evidence] li[data-step="enforce"] [data-photo="${enforcePhoto}"]`).waitFor();
    // form-js's own validation speaks Chinese too
    await leadDesk.page.getByRole('button', { name: '提交办理' }).click();
    await leadDesk.page.locator('.fjs-form-field-error', { hasText: '必填' }).first().waitFor();
    expect(await leadDesk.page.locator('.fjs-form').textContent()).to.not.include('Field is required');
    await leadDesk.page.getByLabel('退回重新处置').check();
    await leadDesk.page.getByRole('button', { name: '提交办理' }).click();
    await leadDesk.page.locator('.error-summary [data-field="reviewNotes"]', { hasText: '必填' }).waitFor();
    await shot(leadDesk.page, 'web-44-review-return-needs-reason');
    await leadDesk.context.close();
    expect((await lead.get(`/api/tasks/${review}`)).body.task.state).to.equal('created');
    const refused = await lead.post(`/api/tasks/${review}/complete`, { variables: { review: 'returned', reviewNotes: '  ' } });
    expect(refused.status).to.equal(422);
    expect(refused.body.errors).to.deep.equal([{ field: 'reviewNotes', message: '必填' }]);
    expect(refused.body.detail).to.equal('reviewNotes：必填');
  });
});
