/**
 * Repeat complaints (issue 12, points 9 and 10): a repeat SMS linked to an open case appears on
 * that case; linking one to a closed case is refused with the way out — a new case from the
 * message that refers to the old one; a message needing no case is marked handled.
 */
import { expect } from 'chai';
import sharp from 'sharp';
import { startTestServer, eventually, type ApiClient, type TestServer } from '../support/server.js';

describe('repeat complaint SMS and closed cases', function () {
  this.timeout(120_000);
  let server: TestServer;
  let dispatcher: ApiClient;

  before(async () => {
    server = await startTestServer();
    dispatcher = await server.signIn('dispatcher1');
    await eventually(async () => server.simulator?.isBound, 'the gateway bound');
  });
  after(async () => server?.close());

  async function receive(from: string, text: string): Promise<number> {
    server.simulator!.sendMo({ from, text });
    return eventually(async () => (await dispatcher.get('/api/sms/inbox?handled=false&limit=200')).body.items.find((m: { sender: string; text: string }) => m.sender === from && m.text === text)?.id as number | undefined, `"${text}" in the inbox`);
  }

  async function todo(client: ApiClient, caseId: string, elementId: string): Promise<string> {
    return eventually(async () => (await client.get('/api/tasks?view=todo&limit=100')).body.items
      .find((t: { caseId: string; elementId: string }) => t.caseId === caseId && t.elementId === elementId)?.id as string | undefined, elementId);
  }

  it('links a repeat to an open case by number and shows it on the case', async () => {
    const first = await receive('13812340011', '第一次：解放路有人占道摆摊');
    const opened = await dispatcher.post(`/api/sms/inbox/${first}/case`, { category: 'street-vending', address: '城东区解放路 20 号' });
    expect(opened.status).to.equal(201);
    const repeat = await receive('13812340011', '第二次：还在摆摊，怎么没人管');
    const number = (opened.body.case.number as string).toLowerCase(); // typed in any case
    const linked = await dispatcher.post(`/api/sms/inbox/${repeat}/link`, { caseNumber: ` ${number} ` });
    expect(linked.status, JSON.stringify(linked.body)).to.equal(200);
    expect(linked.body).to.include({ handled: true, caseId: opened.body.case.id });
    const onCase = (await dispatcher.get(`/api/sms/inbox?caseId=${opened.body.case.id}&limit=50`)).body.items.map((m: { id: number }) => m.id);
    expect(onCase).to.have.members([first, repeat]);

    const unknown = await dispatcher.post(`/api/sms/inbox/${repeat}/link`, { caseNumber: 'ZF-20000101-9999' });
    expect(unknown.status).to.equal(404);
    expect(unknown.body.detail).to.equal('案件不存在：ZF-20000101-9999');
    expect((await dispatcher.post(`/api/sms/inbox/${repeat}/link`, { caseNumber: 'x', caseId: 'y' })).status).to.equal(400);
    expect((await dispatcher.post(`/api/sms/inbox/${repeat}/link`, {})).status).to.equal(400);
  });

  it('refuses linking to a closed case and opens a new case referring to it instead', async () => {
    const created = await dispatcher.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '已办结的案件', address: '城东区解放路 30 号' });
    const closedId = created.body.case.id as string;
    const assign = await todo(dispatcher, closedId, 'assignInspector');
    expect((await dispatcher.post(`/api/tasks/${assign}/complete`, { variables: { inspector: 'inspector1' } })).status).to.equal(200);
    const inspector = await server.signIn('inspector1');
    const verify = await todo(inspector, closedId, 'verifyReport');
    const form = new FormData();
    form.append('photo', new Blob([await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 10, g: 20, b: 30 } } }).jpeg().toBuffer()], { type: 'image/jpeg' }), 'a.jpg');
    const photo = await inspector.request('POST', `/api/tasks/${verify}/photos`, form);
    expect((await inspector.post(`/api/tasks/${verify}/complete`, { variables: { verification: 'unsubstantiated', verifyNotes: '现场未发现', verifyPhotos: [photo.body.id] } })).status).to.equal(200);
    // the photo (no EXIF time or place) is 存疑: the dispatcher confirms the 不属实
    const confirm = await todo(dispatcher, closedId, 'confirmDismissal');
    expect((await dispatcher.post(`/api/tasks/${confirm}/complete`, { variables: { dismissalDecision: 'confirm' } })).status).to.equal(200);
    await eventually(async () => (await dispatcher.get(`/api/cases/${closedId}`)).body.case.status === 'dismissed', 'the case dismissed');

    const repeat = await receive('13812340022', '上次说不属实，今天又在摆摊了');
    const refused = await dispatcher.post(`/api/sms/inbox/${repeat}/link`, { caseId: closedId });
    expect(refused.status).to.equal(409);
    expect(refused.body).to.include({ code: 'sms.case_closed', caseId: closedId, caseNumber: created.body.case.number });
    expect(refused.body.title).to.match(/已办结/);
    expect((await dispatcher.get(`/api/sms/inbox/${repeat}`)).body).to.include({ handled: false, caseId: null }); // nothing changed

    const followUp = await dispatcher.post(`/api/sms/inbox/${repeat}/case`, { category: 'street-vending', address: '城东区解放路 30 号', relatedCaseId: closedId });
    expect(followUp.status, JSON.stringify(followUp.body)).to.equal(201);
    expect(followUp.body.case.relatedCaseId).to.equal(closedId);
    expect((await dispatcher.post(`/api/sms/inbox/${await receive('13812340023', '再试一次')}/case`, { category: 'street-vending', address: '城东区', relatedCaseId: 'no-such-case' })).status).to.equal(404);
  });

  it('marks a message that needs no case handled, and back', async () => {
    const id = await receive('13812340033', '谢谢你们，问题已经解决了');
    expect((await dispatcher.post(`/api/sms/inbox/${id}/handled`, { handled: true })).body).to.include({ handled: true, caseId: null });
    expect((await dispatcher.get('/api/sms/inbox?handled=false&limit=200')).body.items.map((m: { id: number }) => m.id)).to.not.include(id);
    expect((await dispatcher.post(`/api/sms/inbox/${id}/handled`, { handled: false })).body).to.include({ handled: false });
  });
});
