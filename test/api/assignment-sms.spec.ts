/**
 * Assignment reaches people (issue 12, point 9): the inspector a 现场核实 is given to, the officer
 * of a 执法处置 (the same path) and whoever a task is reassigned to get an SMS over SMPP with the task and the
 * case; claiming one's own task sends nothing; NOTIFY_ASSIGNED_ROLES chooses the roles.
 */
import { expect } from 'chai';
import { startTestServer, eventually, type ApiClient, type TestServer } from '../support/server.js';

describe('an SMS to the person a task is given to', function () {
  this.timeout(120_000);

  async function todo(client: ApiClient, caseId: string, elementId: string): Promise<string> {
    return eventually(async () => (await client.get('/api/tasks?view=todo&limit=100')).body.items
      .find((t: { caseId: string; elementId: string }) => t.caseId === caseId && t.elementId === elementId)?.id as string | undefined, `${elementId} for ${client.username}`);
  }

  async function openCase(dispatcher: ApiClient, address: string): Promise<{ id: string; number: string }> {
    const created = await dispatcher.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '派单短信测试', address, location: { lng: 120.2075, lat: 30.2625 } });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    return { id: created.body.case.id, number: created.body.case.number };
  }

  describe('with the default roles (inspector, officer)', () => {
    let server: TestServer;
    let dispatcher: ApiClient;
    before(async () => {
      server = await startTestServer();
      dispatcher = await server.signIn('dispatcher1');
      await eventually(async () => server.simulator?.isBound, 'the gateway bound');
    });
    after(async () => server?.close());

    it('texts the inspector it is given to and whoever it is reassigned to — once each, nobody for a claim', async () => {
      const c = await openCase(dispatcher, '城东区解放路 101 号');
      const assign = await todo(dispatcher, c.id, 'assignInspector');
      expect((await dispatcher.post(`/api/tasks/${assign}/claim`)).status).to.equal(200); // a claim texts nobody
      expect((await dispatcher.post(`/api/tasks/${assign}/complete`, { variables: { inspector: 'inspector1' } })).status).to.equal(200);
      const toInspector = await eventually(async () => server.simulator!.mt.find((m) => m.to === '13700000011' && m.text.includes(c.number)), 'the SMS to inspector1');
      expect(toInspector.text).to.equal(`【城管执法】您有新任务：现场核实，案件${c.number}（城东区解放路 101 号），请登录派单平台办理。`);

      // 转派 to inspector2: inspector2 is told
      const verify = await todo(await server.signIn('inspector1'), c.id, 'verifyReport');
      expect((await dispatcher.post(`/api/tasks/${verify}/reassign`, { assignee: 'inspector2', reason: '李明外出' })).status).to.equal(200);
      await eventually(async () => server.simulator!.mt.find((m) => m.to === '13700000012' && m.text.includes(c.number)), 'the SMS to inspector2');

      const messages = (await dispatcher.get(`/api/sms/messages?caseId=${c.id}`)).body as { to: string }[];
      expect(messages.filter((m) => m.to === '13700000011')).to.have.length(1);
      expect(messages.filter((m) => m.to === '13700000001'), 'no SMS to the dispatcher who claimed').to.have.length(0);
    });
  });

  describe('with NOTIFY_ASSIGNED_ROLES empty', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ NOTIFY_ASSIGNED_ROLES: '' });
    });
    after(async () => server?.close());

    it('texts nobody', async () => {
      const dispatcher = await server.signIn('dispatcher1');
      const c = await openCase(dispatcher, '城东区解放路 102 号');
      const assign = await todo(dispatcher, c.id, 'assignInspector');
      expect((await dispatcher.post(`/api/tasks/${assign}/complete`, { variables: { inspector: 'inspector1' } })).status).to.equal(200);
      await todo(await server.signIn('inspector1'), c.id, 'verifyReport');
      // the acknowledgement to the reporter is the SMS queue's only business here: nothing for inspector1
      const messages = (await dispatcher.get(`/api/sms/messages?caseId=${c.id}`)).body as { to: string }[];
      expect(messages.map((m) => m.to)).to.not.include('13700000011');
    });
  });

  it('refuses an unknown role in NOTIFY_ASSIGNED_ROLES at start-up', async () => {
    const { loadConfig } = await import('../../api/src/config.js');
    expect(() => loadConfig({ NODE_ENV: 'test', NOTIFY_ASSIGNED_ROLES: 'inspector,chief' })).to.throw(/NOTIFY_ASSIGNED_ROLES/);
  });
});
