/**
 * What waits for a person reaches them while the page is open (issue 12, point 9): the count of
 * 待办 in the page title and on its link, a notice when a task arrives, and the unread complaint
 * SMS on 投诉短信's link for the desk.
 */
import { expect } from 'chai';
import { eventually } from '../support/server.js';
import { browserSuite, desktop, phone } from './browser.js';

describe('browser: the title and the links count what waits', function () {
  this.timeout(120_000);
  const suite = browserSuite();

  it('counts 待办 in the title, tells the inspector of a new task, and counts unread SMS for the desk', async () => {
    const inspector = await suite.signIn('inspector2', phone);
    await inspector.page.locator('[data-list="todo"], p.empty').first().waitFor();
    const before = (await (await suite.server.signIn('inspector2')).get('/api/tasks?view=todo&limit=1&counts=true')).body.counts.todo as number;

    const dispatcher = await suite.server.signIn('dispatcher1');
    const created = await dispatcher.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '提醒测试', address: '城东区解放路 103 号' });
    const caseId = created.body.case.id as string;
    const assign = await eventually(async () => (await dispatcher.get('/api/tasks?view=todo&limit=100')).body.items.find((t: { caseId: string }) => t.caseId === caseId)?.id, 'assignInspector');
    expect((await dispatcher.post(`/api/tasks/${assign}/complete`, { variables: { inspector: 'inspector2' } })).status).to.equal(200);

    // the shell polls: wait for the notice and the title, not for a time
    await inspector.page.locator('p.notice[data-arrived]', { hasText: '有新任务' }).waitFor({ timeout: 60_000 });
    await inspector.page.waitForFunction((n) => (globalThis as unknown as { document: { title: string } }).document.title.startsWith(`(${n}) `), before + 1);
    expect(await inspector.page.locator('[data-badge="todo"]').textContent()).to.equal(String(before + 1));
    await inspector.page.locator('p.notice a').click();
    await inspector.page.locator('p.notice').waitFor({ state: 'detached' });
    await inspector.context.close();

    // the desk sees how many complaint SMS are not handled yet
    await eventually(async () => suite.server.simulator?.isBound, 'the gateway bound');
    suite.server.simulator!.sendMo({ from: '13812340001', text: '提醒测试：小区门口有人乱倒垃圾' });
    const unread = await eventually(async () => {
      const total = (await dispatcher.get('/api/sms/inbox?handled=false&limit=1')).body.total as number;
      return total > 0 ? total : null;
    }, 'the SMS in the inbox');
    const desk = await suite.signIn('dispatcher1', desktop);
    await desk.page.locator('[data-badge="unread"]', { hasText: String(unread) }).waitFor();
    await desk.context.close();
  });
});
