/**
 * 取消认领 and 转派 through the pages (issue 12, point 1): an inspector on a phone gives back a
 * 现场核实 with a reason; it lands in the dispatcher's 待办 at the desk, who 转派 it to another
 * inspector; that inspector finds it in their 待办, and the case's history says it all in words.
 */
import { expect } from 'chai';
import { eventually } from '../support/server.js';
import { browserSuite, desktop, phone, shot } from './browser.js';

describe('browser: giving a task back and reassigning it', function () {
  this.timeout(180_000);
  const suite = browserSuite();

  it('gives back with a reason, the dispatcher reassigns, the new inspector has it, the history reads in Chinese', async () => {
    const dispatcherApi = await suite.server.signIn('dispatcher1');
    const created = await dispatcherApi.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '退回转派测试：菜场门口摊贩', address: '城东区解放路 66 号' });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const caseId = created.body.case.id as string;
    const assign = await eventually(async () => (await dispatcherApi.get('/api/tasks?view=todo&limit=100')).body.items.find((t: { caseId: string }) => t.caseId === caseId), 'assignInspector');
    expect((await dispatcherApi.post(`/api/tasks/${assign.id}/complete`, { variables: { inspector: 'inspector1' } })).status).to.equal(200);

    // the inspector, on a phone, gives the 现场核实 back: a reason is asked for, an empty one refused
    const inspector = await suite.signIn('inspector1', phone);
    const card = inspector.page.locator(`[data-list="todo"] li[data-case]`, { hasText: created.body.case.number });
    await card.first().waitFor();
    await card.first().locator('a.cover').click();
    await inspector.page.getByRole('button', { name: '取消认领' }).click();
    const form = inspector.page.locator('form[data-form="unclaim"]');
    await form.getByRole('button', { name: '确认退回' }).click();
    await form.locator('[role=alert]', { hasText: '退回原因：必填' }).waitFor();
    await form.getByLabel('退回原因').fill('今天在外培训，无法到现场');
    await shot(inspector.page, 'web-40-task-give-back');
    await form.getByRole('button', { name: '确认退回' }).click();
    await inspector.page.waitForURL((url) => url.pathname === '/');
    await inspector.page.locator('[data-list="todo"], p.empty').first().waitFor();
    expect(await card.count(), 'no longer in the inspector\'s 待办').to.equal(0);
    await inspector.context.close();

    // it is in the dispatcher's 待办; 转派 to inspector2 with a reason
    const desk = await suite.signIn('dispatcher1', desktop);
    const back = desk.page.locator(`[data-list="todo"] li[data-case]`, { hasText: created.body.case.number });
    await back.first().waitFor();
    await back.first().locator('a.cover').click();
    await desk.page.getByRole('button', { name: '转派' }).click();
    const reassign = desk.page.locator('form[data-form="reassign"]');
    await reassign.getByLabel('转派给').selectOption('inspector2');
    await reassign.getByLabel('转派原因').fill('李明外出，改由王芳核实');
    await shot(desk.page, 'web-41-task-reassign');
    await reassign.getByRole('button', { name: '确认转派' }).click();
    await reassign.waitFor({ state: 'detached' });

    // the history says who gave it back, why, to whom it went
    await desk.page.goto(`/cases/${caseId}`);
    const unclaimed = desk.page.locator('.timeline li[data-type="task.unclaimed"]');
    await unclaimed.waitFor();
    expect(await unclaimed.textContent()).to.include('退回').and.include('现场核实').and.include('今天在外培训，无法到现场').and.include('坐席').and.include('信息员 李明');
    const reassigned = desk.page.locator('.timeline li[data-type="task.reassigned"]');
    expect(await reassigned.textContent()).to.include('转派').and.include('信息员 王芳').and.include('李明外出，改由王芳核实');
    expect(await desk.page.locator('.timeline').textContent()).to.not.include('task.');
    await shot(desk.page, 'web-42-case-history-hand-over');
    await desk.context.close();

    // inspector2 has it
    const second = await suite.signIn('inspector2', phone);
    await second.page.locator(`[data-list="todo"] li[data-case]`, { hasText: created.body.case.number }).first().waitFor();
    await second.context.close();
  });
});
