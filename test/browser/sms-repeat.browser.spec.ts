/**
 * 投诉短信 at the desk (issue 12, points 9 and 10): 关联案件 by number in the page (no browser
 * prompt), a closed case offering 重新立案 that refers to it, 标记已处理, the messages sent, and
 * the repeat shown on its case.
 */
import { expect } from 'chai';
import { eventually } from '../support/server.js';
import { browserSuite, desktop, shot } from './browser.js';

describe('browser: repeat complaint SMS', function () {
  this.timeout(180_000);
  const suite = browserSuite();

  it('links a repeat by number, offers a new related case for a closed one, and marks a message handled', async () => {
    const dispatcher = await suite.server.signIn('dispatcher1');
    await eventually(async () => suite.server.simulator?.isBound, 'the gateway bound');
    const receive = async (from: string, text: string) => {
      suite.server.simulator!.sendMo({ from, text });
      return eventually(async () => (await dispatcher.get('/api/sms/inbox?handled=false&limit=200')).body.items.find((m: { text: string }) => m.text === text)?.id as number | undefined, text);
    };
    const first = await receive('13812350001', '浏览器：解放路占道摆摊');
    const opened = await dispatcher.post(`/api/sms/inbox/${first}/case`, { category: 'street-vending', address: '城东区解放路 40 号' });
    const openNumber = opened.body.case.number as string;
    const closedCase = await dispatcher.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '已撤销的案件', address: '城东区解放路 41 号' });
    // closed in its record (walking it to the end is test/api/sms-repeat.spec.ts's business)
    await suite.server.platform.dataSource.query("UPDATE case_record SET status = 'closed' WHERE id = ?", [closedCase.body.case.id]);
    const repeatOpen = await receive('13812350001', '浏览器：又在摆摊了');
    const repeatClosed = await receive('13812350002', '浏览器：上次的问题又出现了');
    const thanks = await receive('13812350003', '浏览器：谢谢，已经好了');

    const { page } = await suite.signIn('dispatcher1', desktop);
    await page.goto('/sms');
    const card = (id: number) => page.locator(`li[data-sms="${id}"]`);

    // 关联案件 to the open case, by number typed in the page
    await card(repeatOpen).getByRole('button', { name: '关联案件' }).click();
    await card(repeatOpen).getByLabel('案件编号').fill(openNumber);
    await card(repeatOpen).locator('form[data-form="link"]').getByRole('button', { name: '关联案件' }).click();
    await card(repeatOpen).waitFor({ state: 'detached' }); // handled now: off the 未处理 list
    expect((await dispatcher.get(`/api/sms/inbox/${repeatOpen}`)).body.caseId).to.equal(opened.body.case.id);

    // a closed case: refused in words, with 重新立案 that refers to it
    await card(repeatClosed).getByRole('button', { name: '关联案件' }).click();
    await card(repeatClosed).getByLabel('案件编号').fill(closedCase.body.case.number);
    await card(repeatClosed).locator('form[data-form="link"]').getByRole('button', { name: '关联案件' }).click();
    await card(repeatClosed).locator('[role=alert]', { hasText: '已办结' }).waitFor();
    await shot(page, 'web-46-sms-closed-case');
    await card(repeatClosed).getByRole('button', { name: /重新立案，关联原案件/ }).click();
    await card(repeatClosed).locator('[data-related]', { hasText: closedCase.body.case.number }).waitFor();
    // no silent default: the category is chosen
    expect(await card(repeatClosed).getByLabel('类别').inputValue()).to.equal('');
    await card(repeatClosed).getByLabel('类别').selectOption('street-vending');
    await card(repeatClosed).getByLabel('地址').fill('城东区解放路 41 号');
    await card(repeatClosed).getByRole('button', { name: '立案', exact: true }).click();
    await page.waitForURL(/\/cases\//);
    await page.locator('[data-related-case] a').click();
    await page.waitForURL((url) => url.pathname === `/cases/${closedCase.body.case.id}`);

    // 标记已处理, and the sent messages listed
    await page.goto('/sms');
    await card(thanks).getByRole('button', { name: '标记已处理' }).click();
    await card(thanks).waitFor({ state: 'detached' }); // the list shows 未处理 only
    await page.locator('[data-list="sent"] li', { hasText: openNumber }).first().waitFor(); // the acknowledgement with the case number

    // the repeat is on its case
    await page.goto(`/cases/${opened.body.case.id}`);
    await page.locator('[data-list="received"] li', { hasText: '浏览器：又在摆摊了' }).waitFor();
    await shot(page, 'web-47-case-received-sms');
  });
});
