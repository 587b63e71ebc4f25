/**
 * The SMS channel end to end (a citizen's Chinese SMS over real SMPP → inbox → one-action case
 * → acknowledgement with the case number back over SMPP; compose; the integration interface)
 * and the admin API for areas, categories, incidents and the archive chain.
 */
import { expect } from 'chai';
import { startTestServer, eventually, type ApiClient, type TestServer } from '../support/server.js';

describe('SMS over HTTP and SMPP, and the admin API', function () {
  this.timeout(120_000);
  let server: TestServer;
  let dispatcher: ApiClient;
  let admin: ApiClient;

  before(async () => {
    server = await startTestServer();
    dispatcher = await server.signIn('dispatcher1');
    admin = await server.signIn('admin');
    await eventually(async () => server.simulator?.isBound, 'the gateway to bind to the SMSC simulator');
  });
  after(async () => server?.close());

  it('turns a citizen SMS into a case in one action and texts back the case number', async () => {
    const text = '您好，解放路88号门口每天晚上都有烧烤摊占道经营，油烟很大，请城管处理一下。<script>alert(1)</script> 谢谢！这条短信比较长，需要分成好几段发送。';
    server.simulator!.sendMo({ from: '13812345678', text });
    const message = await eventually(async () => (await dispatcher.get('/api/sms/inbox?handled=false')).body.items.find((m: { sender: string }) => m.sender === '13812345678'), 'the SMS in the inbox');
    expect(message.text).to.equal(text);
    expect(message.partsCount).to.be.greaterThan(1);

    const opened = await dispatcher.post(`/api/sms/inbox/${message.id}/case`, { category: 'street-vending', address: '城东区解放路 88 号', location: { lng: 120.2075, lat: 30.2625 } });
    expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
    expect(opened.body.case).to.include({ source: 'sms', reporterPhone: '13812345678', description: text });
    expect(opened.body.message).to.include({ handled: true, caseId: opened.body.case.id });
    const number = opened.body.case.number as string;

    const ack = await eventually(async () => server.simulator!.mt.find((m) => m.to === '13812345678' && m.text.includes(number)), 'the acknowledgement over SMPP');
    expect(ack.text).to.include('已受理');

    // the same message cannot open a second case
    const again = await dispatcher.post(`/api/sms/inbox/${message.id}/case`, { category: 'street-vending', address: '城东区' });
    expect(again.status).to.equal(409);

    // a second SMS about the same complaint is linked to the case
    server.simulator!.sendMo({ from: '13812345678', text: '烧烤摊今天还在。' });
    const second = await eventually(async () => (await dispatcher.get('/api/sms/inbox?handled=false')).body.items.find((m: { text: string }) => m.text === '烧烤摊今天还在。'), 'the second SMS');
    const linked = await dispatcher.post(`/api/sms/inbox/${second.id}/link`, { caseId: opened.body.case.id });
    expect(linked.body.caseId).to.equal(opened.body.case.id);

    // 撰写新短信 to the reporter of the case
    const composed = await dispatcher.post('/api/sms/messages', { caseId: opened.body.case.id, text: '您好，执法队员已在前往现场的路上。' });
    expect(composed.status).to.equal(202);
    await eventually(async () => server.simulator!.mt.find((m) => m.text.includes('执法队员已在前往')), 'the composed SMS over SMPP');
    const invalid = await dispatcher.post('/api/sms/messages', { to: '12345', text: '测试' });
    expect(invalid.status).to.equal(400);
    expect(invalid.body.field).to.equal('to');
  });

  it('offers the integration interface to other city systems', async () => {
    const sent = await admin.post('/api/integration/sms/send', { to: '+86 139 0000 1234', text: '数字城管平台通知：测试', reference: 'dc-0001' });
    expect(sent.status).to.equal(202);
    expect(sent.body.to).to.equal('13900001234');
    const again = await admin.post('/api/integration/sms/send', { to: '13900001234', text: '数字城管平台通知：测试', reference: 'dc-0001' });
    expect(again.body.id).to.equal(sent.body.id); // the same reference is sent once
    const received = await admin.get('/api/integration/sms/received?after=0&limit=10');
    expect(received.status).to.equal(200);
    expect(received.body.items.length).to.be.greaterThan(0);
    const next = await admin.get(`/api/integration/sms/received?after=${received.body.next}`);
    expect(next.body.items).to.have.length(0);
  });

  it('lets admins manage areas (whole uploads, precise errors) and categories, and nobody else', async () => {
    const selfIntersecting = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 'T-OK', name: '测试网格', kind: 'grid', unitId: 'U-JD-01' }, geometry: { type: 'Polygon', coordinates: [[[121, 31], [121.01, 31], [121.01, 31.01], [121, 31.01], [121, 31]]] } },
        { type: 'Feature', properties: { id: 'T-BAD', name: '自相交', kind: 'grid', unitId: 'U-JD-01' }, geometry: { type: 'Polygon', coordinates: [[[121, 31], [121.01, 31.01], [121.01, 31], [121, 31.01], [121, 31]]] } },
      ],
    };
    const refused = await admin.post('/api/areas', selfIntersecting);
    expect(refused.status, JSON.stringify(refused.body)).to.equal(400);
    expect(JSON.stringify(refused.body)).to.match(/features\[1\]/);
    expect((await admin.get('/api/areas')).body.map((a: { id: string }) => a.id)).to.not.include('T-OK'); // nothing saved

    selfIntersecting.features.pop();
    const saved = await admin.post('/api/areas', selfIntersecting);
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    expect(saved.body.created).to.equal(1);
    expect((await admin.get('/api/areas/T-OK')).body.geometry.type).to.equal('Polygon');

    const categories = await dispatcher.get('/api/categories');
    expect(categories.body.map((c: { nameZh: string }) => c.nameZh)).to.include('占道经营');
    const officer = await server.signIn('zhangwei');
    expect((await officer.post('/api/categories', { code: 'x-test', nameZh: '测试', nameEn: 'Test', timeLimitHours: 1 })).status).to.equal(403);
    expect((await officer.get('/api/incidents')).status).to.equal(403);
    expect((await officer.get('/api/archive/verify')).status).to.equal(403);
  });

  it('shows incidents and the archive chain to admins', async () => {
    const incidents = await admin.get('/api/incidents?state=active');
    expect(incidents.status).to.equal(200);
    expect(incidents.body).to.be.an('array');
    const verify = await admin.get('/api/archive/verify');
    expect(verify.status).to.equal(200);
    expect(verify.body.ok).to.equal(true);
  });
});
