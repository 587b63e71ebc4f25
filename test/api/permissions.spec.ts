/**
 * Who may see and do what, over HTTP: every denial (including guessing another unit's ids),
 * claim conflicts, and bad input answered with precise problem+json and nothing written.
 */
import { expect } from 'chai';
import sharp from 'sharp';
import { startTestServer, eventually, type ApiClient, type TestServer } from '../support/server.js';

describe('API permissions and bad input', function () {
  this.timeout(120_000);
  let server: TestServer;
  let dispatcher: ApiClient;
  let dispatcher2: ApiClient;
  let caseId: string;
  let assignTaskId: string;

  before(async () => {
    server = await startTestServer();
    dispatcher = await server.signIn('dispatcher1');
    dispatcher2 = await server.signIn('dispatcher2');
    const created = await dispatcher.post('/api/cases', {
      source: 'leader', category: 'illegal-posting', description: '领导指示：<script>alert("x")</script> 建国路电线杆乱张贴\'; DROP TABLE case_record; --',
      address: '城东区建国路', location: { lng: 120.2075, lat: 30.2625 }, reporterPhone: null,
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    caseId = created.body.case.id;
    assignTaskId = (await eventually(async () => (await dispatcher.get('/api/tasks?view=todo')).body.items.find((t: { caseId: string }) => t.caseId === caseId), 'assignInspector')).id;
  });
  after(async () => server?.close());

  function expectProblem(response: { status: number; body: any; headers: Headers }, status: number, code: string, field?: string) {
    expect(response.status, JSON.stringify(response.body)).to.equal(status);
    expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(response.body).to.include({ status, code });
    expect(response.body.title).to.be.a('string').and.not.equal('');
    if (field) expect(response.body.field).to.equal(field);
  }

  it('answers 401 without a sign-in, and 401 for a forged token', async () => {
    expectProblem(await server.anonymous().get('/api/tasks'), 401, 'auth.required');
    expectProblem(await server.anonymous().get(`/api/cases/${caseId}`), 401, 'auth.required');
    const forged = await new (dispatcher.constructor as typeof ApiClient)(server.url, `${dispatcher.token}x`).get('/api/tasks');
    expect(forged.status).to.equal(401);
  });

  it('keeps roles to their routes (403)', async () => {
    const officer = await server.signIn('zhangwei');
    expectProblem(await officer.post('/api/cases', { source: 'web', category: 'noise', description: 'x', address: 'y' }), 403, 'auth.forbidden');
    expectProblem(await officer.get('/api/users'), 403, 'auth.forbidden');
    expectProblem(await officer.get('/api/sms/inbox'), 403, 'auth.forbidden');
    const inspector = await server.signIn('inspector1');
    expectProblem(await inspector.get('/api/audit'), 403, 'auth.forbidden');
  });

  it('hides cases and tasks from those not involved: 404 whether the id exists or not', async () => {
    const inspector2 = await server.signIn('inspector2');
    const otherLead = await server.signIn('lijun'); // lead of U-JD-02
    const otherOfficer = await server.signIn('zhaolei'); // officer of U-JD-02
    for (const client of [inspector2, otherLead, otherOfficer]) {
      expectProblem(await client.get(`/api/cases/${caseId}`), 404, 'case.not_found');
      expectProblem(await client.get(`/api/cases/${caseId}/archive`), 404, 'case.not_found');
      expectProblem(await client.get(`/api/tasks/${assignTaskId}`), 404, 'task.not_found');
      expectProblem(await client.post(`/api/tasks/${assignTaskId}/claim`), 404, 'task.not_found');
      const search = await client.get('/api/cases?limit=100');
      expect(search.body.items.map((c: { id: string }) => c.id)).to.not.include(caseId);
    }
    expectProblem(await inspector2.get('/api/cases/00000000-0000-0000-0000-000000000000'), 404, 'case.not_found');
    // the dispatcher sees it, with the script and SQL kept as plain text
    const seen = await dispatcher.get(`/api/cases/${caseId}`);
    expect(seen.body.case.description).to.equal('领导指示：<script>alert("x")</script> 建国路电线杆乱张贴\'; DROP TABLE case_record; --');
  });

  it('makes claims exclusive (409) and completions final (409)', async () => {
    expect((await dispatcher.post(`/api/tasks/${assignTaskId}/claim`)).status).to.equal(200);
    expectProblem(await dispatcher2.post(`/api/tasks/${assignTaskId}/claim`), 409, 'task.already_claimed');
    expectProblem(await dispatcher2.post(`/api/tasks/${assignTaskId}/complete`, { variables: { inspector: 'inspector1' } }), 409, 'task.already_claimed');
    expect((await dispatcher2.post(`/api/tasks/${assignTaskId}/unclaim`, { reason: '周敏休假' })).status).to.equal(200); // a dispatcher may release a colleague's task
    expect((await dispatcher2.post(`/api/tasks/${assignTaskId}/claim`)).status).to.equal(200);

    expectProblem(await dispatcher2.post(`/api/tasks/${assignTaskId}/complete`, { variables: { inspector: 'maybe-someone' } }), 422, 'form.invalid', 'inspector');
    expectProblem(await dispatcher2.post(`/api/tasks/${assignTaskId}/complete`, { variables: {} }), 422, 'form.invalid', 'inspector');
    expectProblem(await dispatcher2.post(`/api/tasks/${assignTaskId}/complete`, { variables: { inspector: 'inspector1', isAdmin: true } }), 422, 'form.invalid', 'isAdmin');
    expect((await dispatcher2.get(`/api/tasks/${assignTaskId}`)).body.task.state).to.equal('created');

    expect((await dispatcher2.post(`/api/tasks/${assignTaskId}/complete`, { variables: { inspector: 'inspector1' } })).status).to.equal(200);
    expectProblem(await dispatcher2.post(`/api/tasks/${assignTaskId}/complete`, { variables: { inspector: 'inspector1' } }), 409, 'task.already_completed');
    expectProblem(await dispatcher.post(`/api/tasks/${assignTaskId}/claim`), 409, 'task.already_completed');
  });

  it('refuses bad bodies, queries and ids precisely, and writes nothing', async () => {
    const before = (await dispatcher.get('/api/cases?limit=1')).body.total;
    expectProblem(await dispatcher.post('/api/cases', { source: 'web', category: 'noise', description: '夜间施工', address: '城东区', unknown: 1 }), 400, 'request.invalid', 'unknown');
    expectProblem(await dispatcher.post('/api/cases', { source: 'web', category: 'noise', description: '夜间施工' }), 400, 'request.invalid', 'address');
    expectProblem(await dispatcher.post('/api/cases', { source: 'web', category: 'noise', description: '夜间施工', address: '城东区', location: { lng: 120, lat: 95 } }), 400, 'request.invalid', 'location.lat');
    expectProblem(await dispatcher.post('/api/cases', { source: 'web', category: 'noise', description: '夜间施工', address: '城东区', reporterPhone: '12345' }), 400, 'request.invalid', 'reporterPhone');
    expectProblem(await dispatcher.request('POST', '/api/cases', '{"source": "web",', { 'content-type': 'application/json' }), 400, 'request.invalid');
    expectProblem(await dispatcher.request('POST', '/api/cases', 'source=web', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'media.unsupported');
    expectProblem(await dispatcher.request('POST', '/api/cases', JSON.stringify({ description: 'x'.repeat(1_200_000) }), { 'content-type': 'application/json' }), 413, 'payload.too_large');
    expectProblem(await dispatcher.get('/api/cases?limit=1000'), 400, 'request.invalid', 'limit');
    expectProblem(await dispatcher.get('/api/cases?status=whatever'), 400, 'request.invalid', 'status');
    expectProblem(await dispatcher.get('/api/cases?from=yesterday'), 400, 'request.invalid', 'from');
    expectProblem(await dispatcher.get('/api/tasks?view=everything'), 400, 'request.invalid', 'view');
    expectProblem(await dispatcher.get(`/api/tasks/${'x'.repeat(100)}`), 400, 'request.invalid', 'id');
    expectProblem(await dispatcher.get('/api/no-such-route'), 404, 'not_found');
    expect((await dispatcher.get('/api/cases?limit=1')).body.total).to.equal(before);
  });

  it('answers in English when asked', async () => {
    const response = await dispatcher.request('GET', '/api/cases/nope', undefined, { 'accept-language': 'en-US,en;q=0.9' });
    expect(response.body.title).to.equal('Case not found');
    const zh = await dispatcher.get('/api/cases/nope');
    expect(zh.body.title).to.equal('案件不存在');
  });

  it('searches Chinese free text through the n-gram index, scoped to what the user may see', async () => {
    const found = await dispatcher.get(`/api/cases?q=${encodeURIComponent('电线杆乱张贴')}`);
    expect(found.body.items.map((c: { id: string }) => c.id)).to.include(caseId);
    const none = await dispatcher.get(`/api/cases?q=${encodeURIComponent('垃圾焚烧')}`);
    expect(none.body.items.map((c: { id: string }) => c.id)).to.not.include(caseId);
    const byNumber = await dispatcher.get(`/api/cases?number=${(await dispatcher.get(`/api/cases/${caseId}`)).body.case.number}`);
    expect(byNumber.body.total).to.equal(1);
  });
});

describe('audit of case actions', function () {
  this.timeout(60_000);
  it('records who did what, from where, including refusals', async () => {
    const server = await startTestServer();
    try {
      const dispatcher = await server.signIn('dispatcher1');
      const officer = await server.signIn('zhangwei');
      const created = await dispatcher.post('/api/cases', { source: 'patrol', category: 'noise', description: '夜间施工噪音', address: '城东区' });
      expect(created.status).to.equal(201);
      expect((await officer.post('/api/cases', { source: 'patrol', category: 'noise', description: 'x', address: 'y' })).status).to.equal(403);
      await dispatcher.get(`/api/cases/${created.body.case.id}/archive`);
      const admin = await server.signIn('admin');
      const log = await admin.get('/api/audit?limit=100');
      expect(log.status).to.equal(200);
      const entries = log.body.entries as { action: string; actor: string; outcome: string; ip: string | null }[];
      const createdEntry = entries.find((e) => e.action === 'case.create' && e.actor === 'dispatcher1');
      expect(createdEntry).to.include({ outcome: 'success' });
      expect(createdEntry?.ip).to.be.a('string');
      expect(entries.find((e) => e.action === 'case.archive.export' && e.actor === 'dispatcher1')?.outcome).to.equal('failure');
      expect(entries.find((e) => e.action === 'case.create' && e.actor === 'zhangwei')?.outcome).to.equal('refused');
      const verify = await admin.get('/api/audit/verify');
      expect(verify.body.ok).to.equal(true);
    } finally {
      await server.close();
    }
  });
});

describe("a unit lead and the other unit's case, tasks, photos and unit data", function () {
  this.timeout(120_000);
  let server: TestServer;
  let leadA: ApiClient; // wangqiang, lead of U-JD-01, where the case is sent
  let leadB: ApiClient; // lijun, lead of U-JD-02
  let caseId: string;
  let verifyTaskId: string;
  let assignOfficerTaskId: string;
  let photoId: string;
  const from = '2031-03-02';
  const to = '2031-03-08';

  async function todo(client: ApiClient, elementId: string): Promise<string> {
    const task = await eventually(async () => (await client.get('/api/tasks?view=todo&limit=100')).body.items
      .find((t: { caseId: string; elementId: string }) => t.caseId === caseId && t.elementId === elementId), `${elementId} in ${client.username}'s 待办`);
    return (task as { id: string }).id;
  }

  async function complete(client: ApiClient, taskId: string, variables: Record<string, unknown>): Promise<void> {
    const response = await client.post(`/api/tasks/${taskId}/complete`, { variables });
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
  }

  async function photoForm(seed: number): Promise<FormData> {
    const jpeg = await sharp({ create: { width: 48, height: 32, channels: 3, background: { r: seed * 40, g: 120, b: 200 - seed * 30 } } }).jpeg().toBuffer();
    const form = new FormData();
    form.append('photo', new Blob([jpeg], { type: 'image/jpeg' }), `site-${seed}.jpg`);
    return form;
  }

  before(async () => {
    server = await startTestServer();
    const dispatcher = await server.signIn('dispatcher1');
    const inspector = await server.signIn('inspector1');
    const admin = await server.signIn('admin');
    leadA = await server.signIn('wangqiang');
    leadB = await server.signIn('lijun');
    const created = await dispatcher.post('/api/cases', {
      source: 'hotline', category: 'street-vending', description: '解放路流动摊贩占道经营', address: '城东区解放路 88 号', location: { lng: 120.2075, lat: 30.2625 }, reporterPhone: null,
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    caseId = created.body.case.id;
    await complete(dispatcher, await todo(dispatcher, 'assignInspector'), { inspector: 'inspector1' });
    verifyTaskId = await todo(inspector, 'verifyReport');
    const uploaded = await inspector.request('POST', `/api/tasks/${verifyTaskId}/photos`, await photoForm(1));
    expect(uploaded.status, JSON.stringify(uploaded.body)).to.equal(201);
    photoId = uploaded.body.id;
    await complete(inspector, verifyTaskId, { verification: 'substantiated', verifyNotes: '属实', verifyPhotos: [photoId] });
    await complete(dispatcher, await todo(dispatcher, 'dispatchToUnit'), { unitId: 'U-JD-01', dispatchNotes: '请处置' });
    assignOfficerTaskId = await todo(leadA, 'assignOfficer');
    // one roster entry in each unit
    const saved = await admin.post('/api/rosters', { entries: [{ username: 'zhangwei', date: from, shift: 'day' }, { username: 'zhaolei', date: from, shift: 'day' }] });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
  });
  after(async () => server?.close());

  function expectStatus(response: { status: number; body: any }, status: number, code?: string) {
    expect(response.status, JSON.stringify(response.body)).to.equal(status);
    if (code) expect(response.body.code).to.equal(code);
  }

  it("answers 404 for the other unit's case, its tasks and photos, which its own lead reads", async () => {
    // the case's own lead succeeds on every one of these ...
    expectStatus(await leadA.get(`/api/cases/${caseId}`), 200);
    expectStatus(await leadA.get(`/api/cases/${caseId}/archive`), 404, 'not_found'); // seen, not archived yet
    expectStatus(await leadA.get(`/api/cases/${caseId}/photos`), 200);
    expectStatus(await leadA.get(`/api/tasks/${assignOfficerTaskId}`), 200);
    expectStatus(await leadA.get(`/api/tasks/${assignOfficerTaskId}/form`), 200);
    expectStatus(await leadA.get(`/api/tasks/${assignOfficerTaskId}/photos`), 200);
    expectStatus(await leadA.get(`/api/tasks/${verifyTaskId}`), 200);
    expectStatus(await leadA.get(`/api/tasks/${verifyTaskId}/photos`), 200);
    expectStatus(await leadA.get(`/api/photos/${photoId}`), 200);
    expectStatus(await leadA.get(`/api/photos/${photoId}/file`), 200);
    expect((await leadA.get('/api/cases?unitId=U-JD-01&limit=100')).body.items.map((c: { id: string }) => c.id)).to.include(caseId);
    // ... and the other unit's lead gets "not found", like for an id that does not exist
    expectStatus(await leadB.get(`/api/cases/${caseId}`), 404, 'case.not_found');
    expectStatus(await leadB.get(`/api/cases/${caseId}/archive`), 404, 'case.not_found');
    expectStatus(await leadB.get(`/api/cases/${caseId}/photos`), 404, 'case.not_found');
    for (const taskId of [assignOfficerTaskId, verifyTaskId]) {
      expectStatus(await leadB.get(`/api/tasks/${taskId}`), 404, 'task.not_found');
      expectStatus(await leadB.get(`/api/tasks/${taskId}/form`), 404, 'task.not_found');
      expectStatus(await leadB.get(`/api/tasks/${taskId}/photos`), 404, 'task.not_found');
      expectStatus(await leadB.request('POST', `/api/tasks/${taskId}/photos`, await photoForm(2)), 404, 'task.not_found');
      expectStatus(await leadB.post(`/api/tasks/${taskId}/claim`), 404, 'task.not_found');
      expectStatus(await leadB.post(`/api/tasks/${taskId}/unclaim`, { reason: '试图退回' }), 404, 'task.not_found');
      expectStatus(await leadB.get(`/api/tasks/${taskId}/reassign-options`), 404, 'task.not_found');
      expectStatus(await leadB.post(`/api/tasks/${taskId}/reassign`, { assignee: 'zhaolei', reason: '试图转派' }), 404, 'task.not_found');
      expectStatus(await leadB.post(`/api/tasks/${taskId}/complete`, { variables: { officer: 'zhaolei' } }), 404, 'task.not_found');
    }
    expectStatus(await leadB.get(`/api/photos/${photoId}`), 404, 'photo.not_found');
    expectStatus(await leadB.get(`/api/photos/${photoId}/file`), 404, 'photo.not_found');
    expect((await leadB.get('/api/cases?unitId=U-JD-01&limit=100')).body.items.map((c: { id: string }) => c.id)).to.not.include(caseId);
    expect((await leadB.get('/api/tasks?view=todo&limit=100')).body.items.map((t: { caseId: string }) => t.caseId)).to.not.include(caseId);
    // nothing changed: the task is still free for its own lead, who claims and releases it
    expectStatus(await leadA.post(`/api/tasks/${assignOfficerTaskId}/claim`), 200);
    expectStatus(await leadA.post(`/api/tasks/${assignOfficerTaskId}/unclaim`, { reason: '重新分配' }), 200);
    expect((await leadA.get(`/api/tasks/${assignOfficerTaskId}`)).body.task).to.include({ state: 'created', assignee: null });
  });

  it("answers 403 for the other unit's officers and rosters, and gives a lead without unitId only their own unit's", async () => {
    const officersA = await leadA.get('/api/officers?unitId=U-JD-01');
    expectStatus(officersA, 200);
    expect(officersA.body.map((o: { username: string }) => o.username)).to.include('zhangwei');
    expectStatus(await leadB.get('/api/officers?unitId=U-JD-01'), 403, 'auth.forbidden');

    const rosterA = await leadA.get(`/api/rosters?from=${from}&to=${to}&unitId=U-JD-01`);
    expectStatus(rosterA, 200);
    expect(rosterA.body.map((r: { username: string }) => r.username)).to.deep.equal(['zhangwei']);
    expectStatus(await leadB.get(`/api/rosters?from=${from}&to=${to}&unitId=U-JD-01`), 403, 'auth.forbidden');
    const rosterB = await leadB.get(`/api/rosters?from=${from}&to=${to}`);
    expectStatus(rosterB, 200);
    expect(rosterB.body.map((r: { username: string }) => r.username)).to.deep.equal(['zhaolei']);
    const english = await leadB.request('GET', `/api/rosters?from=${from}&to=${to}&unitId=U-JD-01`, undefined, { 'accept-language': 'en' });
    expect(english.body.title).to.equal('Not allowed');
  });

  it("keeps the unit's edit routes, unit leads, users and messages from both leads (403)", async () => {
    for (const lead of [leadA, leadB]) {
      expectStatus(await lead.post('/api/units', { id: 'U-JD-01', name: '城东街道执法中队', kind: 'street' }), 403, 'auth.forbidden');
      expectStatus(await lead.post('/api/officers', { username: 'zhangwei', displayName: '张伟', unitId: 'U-JD-02' }), 403, 'auth.forbidden');
      expectStatus(await lead.post('/api/rosters', { entries: [{ username: 'zhangwei', date: from }] }), 403, 'auth.forbidden');
      expectStatus(await lead.request('PUT', '/api/officers/zhangwei/position', { lng: 120.2, lat: 30.2 }), 403, 'auth.forbidden');
      expectStatus(await lead.get('/api/unit-leads?unitId=U-JD-01'), 403, 'auth.forbidden');
      expectStatus(await lead.post('/api/unit-leads', { username: lead.username, unitId: 'U-JD-01' }), 403, 'auth.forbidden');
      expectStatus(await lead.request('DELETE', '/api/unit-leads/U-JD-01/wangqiang'), 403, 'auth.forbidden');
      expectStatus(await lead.get('/api/users?unitId=U-JD-01'), 403, 'auth.forbidden');
      expectStatus(await lead.get(`/api/sms/messages?caseId=${caseId}`), 403, 'auth.forbidden');
      expectStatus(await lead.get('/api/sms/inbox/1'), 403, 'auth.forbidden');
    }
    // the unit's lead is still its lead
    const admin = await server.signIn('admin');
    expect((await admin.get('/api/unit-leads?unitId=U-JD-01')).body).to.deep.include({ username: 'wangqiang', unitId: 'U-JD-01' });
  });
});
