/**
 * A problem answer speaks the caller's language (issue 12, point 5): zh-CN by default, English
 * with `Accept-Language: en` — the title, the detail and the field errors alike, for request
 * validation, form validation and domain refusals.
 */
import { expect } from 'chai';
import { startTestServer, eventually, type ApiClient, type TestServer } from '../support/server.js';

const han = /[\u4e00-\u9fff]/;
const latinWord = /[A-Za-z]{3,}/;

describe('problem answers in the caller\'s language', function () {
  this.timeout(60_000);
  let server: TestServer;
  let dispatcher: ApiClient;
  let taskId: string;

  before(async () => {
    server = await startTestServer();
    dispatcher = await server.signIn('dispatcher1');
    const created = await dispatcher.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '语言测试', address: '城东区解放路 1 号' });
    const caseId = created.body.case.id;
    taskId = await eventually(async () => (await dispatcher.get('/api/tasks?view=todo&limit=100')).body.items.find((t: { caseId: string }) => t.caseId === caseId)?.id, 'the first task');
  });
  after(async () => server?.close());

  const zhOnly = (text: unknown, what: string) => {
    expect(text, what).to.be.a('string').and.match(han);
    expect(text, `${what} has no English words`).to.not.match(latinWord);
  };

  it('answers request validation in Chinese by default, in English when asked', async () => {
    const zh = await dispatcher.post(`/api/tasks/${taskId}/unclaim`, { reason: '   ' });
    expect(zh.status).to.equal(400);
    zhOnly(zh.body.title, 'title');
    expect(zh.body.errors).to.deep.equal([{ field: 'reason', message: '必填' }]);
    expect(zh.body.detail).to.equal('reason：必填');

    const en = await dispatcher.request('POST', `/api/tasks/${taskId}/unclaim`, { reason: '   ' }, { 'accept-language': 'en-US,en;q=0.9' });
    expect(en.body.title).to.equal('The request is invalid');
    expect(en.body.errors).to.deep.equal([{ field: 'reason', message: 'required' }]);
    expect(en.body.detail).to.match(/invalid body/);

    const tooLong = await dispatcher.post(`/api/tasks/${taskId}/unclaim`, { reason: 'x'.repeat(501), extra: true });
    for (const e of tooLong.body.errors) expect(e.message, e.field).to.match(han);
  });

  it('answers form validation and domain refusals in Chinese', async () => {
    const form = await dispatcher.post(`/api/tasks/${taskId}/complete`, { variables: { inspector: 'nobody-such', assignNotes: 'x'.repeat(3000) } });
    expect(form.status).to.equal(422);
    for (const e of form.body.errors) zhOnly(e.message.replace('nobody-such', ''), `${e.field} message`);
    zhOnly(form.body.title, 'title');

    expect((await dispatcher.post(`/api/tasks/${taskId}/claim`)).status).to.equal(200);
    const other = await server.signIn('dispatcher2');
    const taken = await other.post(`/api/tasks/${taskId}/claim`);
    expect(taken.status).to.equal(409);
    expect(taken.body.detail).to.equal('任务已被他人认领');
    const takenEn = await other.request('POST', `/api/tasks/${taskId}/claim`, undefined, { 'accept-language': 'en' });
    expect(takenEn.body.detail).to.match(/claimed by dispatcher1/);

    const missing = await dispatcher.get('/api/no-such-route');
    zhOnly(missing.body.detail, 'detail of a missing route');
  });
});
