/**
 * 重新开启 (issue 12, point 9): a repeat complaint about a closed case reopens it for a new round
 * — a new process instance of the latest diagram for the same case, 派发核实 and 现场核实 again,
 * the repeat SMS linked to it, the earlier round's records and archive entry kept — and the
 * case closed again is archived a second time, the chain still verifying.
 */
import { expect } from 'chai';
import sharp from 'sharp';
import { startTestServer, eventually, type ApiClient, type TestServer } from '../support/server.js';

async function photo(seed: number): Promise<Blob> {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: (seed * 53) % 256, g: (seed * 97) % 256, b: (seed * 31) % 256 } } })
    .composite([{ input: Buffer.from(`<svg width="64" height="48"><circle cx="${10 + (seed % 40)}" cy="24" r="9" fill="white"/></svg>`), top: 0, left: 0 }])
    .jpeg().toBuffer();
  return new Blob([jpeg], { type: 'image/jpeg' });
}

describe('reopening a closed case for a new round (重新开启)', function () {
  this.timeout(180_000);
  let server: TestServer;
  let dispatcher: ApiClient;
  let inspector: ApiClient;
  let inspector2: ApiClient;
  let lead: ApiClient;
  let officer: ApiClient;
  let admin: ApiClient;

  before(async () => {
    server = await startTestServer();
    [dispatcher, inspector, inspector2, lead, officer, admin] = await Promise.all(['dispatcher1', 'inspector1', 'inspector2', 'wangqiang', 'zhangwei', 'admin'].map((u) => server.signIn(u)));
    await eventually(async () => server.simulator?.isBound, 'the gateway bound');
  });
  after(async () => server?.close());

  async function todo(client: ApiClient, caseId: string, elementId: string): Promise<{ id: string; round: number; assignee: string | null }> {
    return eventually(async () => (await client.get('/api/tasks?view=todo&limit=100')).body.items
      .find((t: { caseId: string; elementId: string }) => t.caseId === caseId && t.elementId === elementId), `${elementId} in ${client.username}'s 待办`);
  }

  async function uploadPhoto(client: ApiClient, taskId: string, seed: number): Promise<string> {
    const form = new FormData();
    form.append('photo', await photo(seed), `site-${seed}.jpg`);
    const response = await client.request('POST', `/api/tasks/${taskId}/photos`, form);
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return response.body.id;
  }

  async function complete(client: ApiClient, taskId: string, variables: Record<string, unknown>): Promise<void> {
    const response = await client.post(`/api/tasks/${taskId}/complete`, { variables });
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
  }

  async function receive(from: string, text: string): Promise<number> {
    server.simulator!.sendMo({ from, text });
    return eventually(async () => (await dispatcher.get('/api/sms/inbox?handled=false&limit=200')).body.items.find((m: { sender: string; text: string }) => m.sender === from && m.text === text)?.id as number | undefined, `"${text}" in the inbox`);
  }

  /** 派遣 → 指派 → 执法处置 → 单位审核 → 派发核查 → 核查 (fixed): one round to the end. */
  async function dispatchToClose(caseId: string, seed: number): Promise<void> {
    await complete(dispatcher, (await todo(dispatcher, caseId, 'dispatchToUnit')).id, { unitId: 'U-JD-01', dispatchNotes: '请处置' });
    await complete(lead, (await todo(lead, caseId, 'assignOfficer')).id, { officer: 'zhangwei' });
    const enforce = await todo(officer, caseId, 'enforce');
    await complete(officer, enforce.id, { enforceResult: '已责令摊主撤离', enforcePhotos: [await uploadPhoto(officer, enforce.id, seed + 1)] });
    await complete(lead, (await todo(lead, caseId, 'reviewResult')).id, { review: 'approved', reviewNotes: '处置到位' });
    await complete(dispatcher, (await todo(dispatcher, caseId, 'assignRecheck')).id, { recheckInspector: 'inspector1' });
    const recheck = await todo(inspector, caseId, 'recheck');
    await complete(inspector, recheck.id, { recheckResult: 'fixed', recheckFindings: '已整改到位', recheckPhotos: [await uploadPhoto(inspector, recheck.id, seed + 2)] });
  }

  async function closedCase(caseId: string, status = 'closed') {
    return eventually(async () => {
      const response = await dispatcher.get(`/api/cases/${caseId}`);
      return response.body.case.status === status ? response.body : null;
    }, `the case ${status}`);
  }

  it('reopens a resolved case: a new instance through 现场核实, the repeat SMS on the case, a second archive entry', async () => {
    const created = await dispatcher.post('/api/cases', {
      source: 'hotline', category: 'street-vending', description: '解放路菜场门口流动摊贩占道经营', address: '城东区解放路 88 号',
      location: { lng: 120.2075, lat: 30.2625 }, reporterPhone: '13812349001',
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const caseId = created.body.case.id as string;
    const number = created.body.case.number as string;
    await complete(dispatcher, (await todo(dispatcher, caseId, 'assignInspector')).id, { inspector: 'inspector1' });
    const verify = await todo(inspector, caseId, 'verifyReport');
    await complete(inspector, verify.id, { verification: 'substantiated', verifyNotes: '现场有摊位占道', verifyPhotos: [await uploadPhoto(inspector, verify.id, 1)] });
    await dispatchToClose(caseId, 1);
    const first = await closedCase(caseId);
    expect(first.case.rounds).to.equal(1);
    const firstArchive = await dispatcher.get(`/api/cases/${caseId}/archive`);
    expect(firstArchive.status).to.equal(200);
    expect(firstArchive.body.entries).to.have.length(1);
    const firstInstance = (await server.platform.cases.get(caseId)).processInstanceKey;

    // the reporter complains again; linking the repeat to the closed case is refused
    const repeat = await receive('13812349001', '上次处理完没几天，摊贩又回来了');
    const refused = await dispatcher.post(`/api/sms/inbox/${repeat}/link`, { caseId });
    expect(refused.status).to.equal(409);
    expect(refused.body).to.include({ code: 'sms.case_closed', caseId });
    expect(refused.body.title).to.include('重新开启原案件');

    // who may not, and what is refused (nothing changes)
    for (const client of [officer, inspector, lead]) {
      expect((await client.post(`/api/cases/${caseId}/reopen`, { reason: '又出现了' })).status, client.username ?? '').to.equal(403);
    }
    expect((await dispatcher.post('/api/cases/no-such-case/reopen', { reason: '又出现了' })).status).to.equal(404);
    const blank = await dispatcher.post(`/api/cases/${caseId}/reopen`, { reason: '   ' });
    expect(blank.status).to.equal(400);
    expect(blank.body.errors).to.deep.include({ field: 'reason', message: '必填' });
    const blankEn = await dispatcher.request('POST', `/api/cases/${caseId}/reopen`, { reason: '' }, { 'accept-language': 'en' });
    expect(blankEn.body.errors).to.deep.include({ field: 'reason', message: 'required' });
    expect((await dispatcher.post(`/api/cases/${caseId}/reopen`, {})).body.errors[0]).to.include({ field: 'reason' });
    const tooLong = await dispatcher.post(`/api/cases/${caseId}/reopen`, { reason: '长'.repeat(501) });
    expect(tooLong.status).to.equal(400);
    expect(tooLong.body.errors[0]).to.deep.equal({ field: 'reason', message: '不能超过 500 个字' });
    expect((await dispatcher.post(`/api/cases/${caseId}/reopen`, { reason: '又出现了', extra: 1 })).status).to.equal(400);
    const noMessage = await dispatcher.post(`/api/cases/${caseId}/reopen`, { reason: '又出现了', messageId: 99_999_999 });
    expect(noMessage.status).to.equal(404);
    expect(noMessage.body).to.include({ field: 'messageId' });
    expect((await dispatcher.get(`/api/cases/${caseId}`)).body.case).to.include({ status: 'closed', rounds: 1 });

    // reopened, with the repeat linked and handled in the same transaction
    const reopened = await dispatcher.post(`/api/cases/${caseId}/reopen`, { reason: '  市民再次反映：摊贩又回来了  ', messageId: repeat });
    expect(reopened.status, JSON.stringify(reopened.body)).to.equal(200);
    expect(reopened.body.case).to.include({ status: 'open', closedAt: null, rounds: 2, number });
    const row = await server.platform.cases.get(caseId);
    expect(row.processInstanceKey).to.not.equal(firstInstance);
    expect((await server.platform.engine.getInstance(firstInstance)).state).to.equal('completed'); // the earlier round stays as it ended
    const event = reopened.body.timeline.find((e: { type: string }) => e.type === 'case.reopened');
    expect(event).to.deep.include({ actor: 'dispatcher1', round: 2 });
    expect(event.data).to.include({ reason: '市民再次反映：摊贩又回来了', messageId: repeat });
    expect((await dispatcher.get(`/api/sms/inbox/${repeat}`)).body).to.include({ handled: true, caseId, handledBy: 'dispatcher1' });
    expect((await dispatcher.get(`/api/sms/inbox?caseId=${caseId}&limit=50`)).body.items.map((m: { id: number }) => m.id)).to.include(repeat);
    // once open, it cannot be reopened again; the repeat now links to it like to any open case
    const again = await dispatcher.post(`/api/cases/${caseId}/reopen`, { reason: '再开一次' });
    expect(again.status).to.equal(409);
    expect(again.body).to.include({ code: 'case.not_closed', caseId });
    expect(again.body.title).to.equal('只有已结案或不属实结束的案件可以重新开启');
    const another = await receive('13812349001', '第三次反映：摊贩还在');
    expect((await dispatcher.post(`/api/sms/inbox/${another}/link`, { caseId })).status).to.equal(200);

    // the case is back in 已办 (off 办结) for the people of the earlier round
    const inList = async (client: ApiClient, view: string) => (await client.get(`/api/tasks?view=${view}&limit=100`)).body.items.some((t: { caseId: string }) => t.caseId === caseId);
    expect(await inList(inspector, 'done')).to.equal(true);
    expect(await inList(inspector, 'closed')).to.equal(false);

    // the new round starts as a fresh case does: 派发核实 (claimable by the desk) → 现场核实
    const assign = await todo(dispatcher, caseId, 'assignInspector');
    expect(assign.round).to.equal(2);
    expect((await dispatcher.post(`/api/tasks/${assign.id}/claim`)).status).to.equal(200);
    const assignForm = await dispatcher.get(`/api/tasks/${assign.id}/form`);
    expect(assignForm.body.data).to.include({ reopenReason: '市民再次反映：摊贩又回来了', caseNumber: number });
    expect(assignForm.body.data).to.not.have.property('inspector'); // not the last round's answers
    await complete(dispatcher, assign.id, { inspector: 'inspector2', assignNotes: '请再去看看' });
    const reverify = await todo(inspector2, caseId, 'verifyReport');
    expect(reverify).to.include({ assignee: 'inspector2', round: 2 });
    expect((await inspector2.post(`/api/tasks/${reverify.id}/claim`)).status).to.equal(200);
    expect((await inspector2.get(`/api/tasks/${reverify.id}/form`)).body.data).to.include({ reopenReason: '市民再次反映：摊贩又回来了' });
    await complete(inspector2, reverify.id, { verification: 'substantiated', verifyNotes: '摊贩确实回来了', verifyPhotos: [await uploadPhoto(inspector2, reverify.id, 31)] });
    // its 派遣 belongs to round 2, the round the reopening began
    const dispatch = await todo(dispatcher, caseId, 'dispatchToUnit');
    expect(dispatch.round).to.equal(2);
    await dispatchToClose(caseId, 31);

    const second = await closedCase(caseId);
    expect(second.case.rounds).to.equal(2);
    expect(second.rounds.map((r: { round: number }) => r.round)).to.deep.equal([0, 1, 2]);
    expect(second.case.processVersion).to.equal(row.processVersion);
    expect(await inList(inspector, 'closed')).to.equal(true);

    // archived again: a second entry appended after the first, the first unchanged, the chain verifying
    const archive = await dispatcher.get(`/api/cases/${caseId}/archive`);
    expect(archive.status).to.equal(200);
    expect(archive.body.entries).to.have.length(2);
    const [one, two] = archive.body.entries as { seq: number; chainHash: string; outcome: string }[];
    expect(one).to.deep.equal(firstArchive.body.entries[0]);
    expect(two.seq).to.be.greaterThan(one.seq);
    expect(archive.body.seq).to.equal(two.seq);
    expect(archive.body.content.processInstanceKey).to.equal(row.processInstanceKey);
    const types = (archive.body.content.timeline as { type: string }[]).map((e) => e.type);
    expect(types.filter((t) => t === 'case.reopened')).to.have.length(1);
    expect(types.indexOf('case.reopened')).to.be.greaterThan(types.indexOf('case.closed'));
    expect(archive.body.content.photos).to.have.length(6);
    const verified = await admin.get('/api/archive/verify');
    expect(verified.status).to.equal(200);
    expect(verified.body, JSON.stringify(verified.body)).to.include({ ok: true });
    // and it would notice an edit of the earlier round's record kept in the reopening
    const ds = server.platform.dataSource;
    const [saved] = await ds.query("SELECT id, data FROM case_event WHERE case_id = ? AND type = 'case.reopened'", [caseId]) as { id: number; data: string }[];
    const forged = JSON.parse(saved.data);
    forged.from.officer = 'liuyang';
    await ds.query('UPDATE case_event SET data = ? WHERE id = ?', [JSON.stringify(forged), saved.id]);
    const tampered = await admin.get('/api/archive/verify');
    expect(tampered.body.ok).to.equal(false);
    expect(tampered.body.problems.map((p: { seq: number; problem: string }) => `${p.seq}:${p.problem}`)).to.include(`${one.seq}:record_changed`);
    await ds.query('UPDATE case_event SET data = ? WHERE id = ?', [saved.data, saved.id]);
    expect((await admin.get('/api/archive/verify')).body.ok).to.equal(true);

    // the reporter heard of both rounds
    const texts = (await dispatcher.get(`/api/sms/messages?caseId=${caseId}`)).body.map((m: { text: string }) => m.text);
    expect(texts.filter((t: string) => t.includes('已受理'))).to.have.length(2);
    expect(texts.filter((t: string) => t.includes('已处理完毕'))).to.have.length(2);
  });

  it('reopens a dismissed case, once when two dispatchers try at the same moment', async () => {
    const created = await dispatcher.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '核实不属实的案件', address: '城东区解放路 90 号' });
    const caseId = created.body.case.id as string;
    await complete(dispatcher, (await todo(dispatcher, caseId, 'assignInspector')).id, { inspector: 'inspector1' });
    const verify = await todo(inspector, caseId, 'verifyReport');
    await complete(inspector, verify.id, { verification: 'unsubstantiated', verifyNotes: '现场未发现', verifyPhotos: [await uploadPhoto(inspector, verify.id, 41)] });
    await complete(dispatcher, (await todo(dispatcher, caseId, 'confirmDismissal')).id, { dismissalDecision: 'confirm' });
    await closedCase(caseId, 'dismissed');
    await eventually(async () => (await dispatcher.get(`/api/cases/${caseId}/archive`)).status === 200, 'the dismissal archived');

    const dispatcher2 = await server.signIn('dispatcher2');
    const results = await Promise.all([
      dispatcher.post(`/api/cases/${caseId}/reopen`, { reason: '市民坚持有摊贩' }),
      dispatcher2.post(`/api/cases/${caseId}/reopen`, { reason: '市民坚持有摊贩' }),
    ]);
    expect(results.map((r) => r.status).sort()).to.deep.equal([200, 409]);
    const detail = (await dispatcher.get(`/api/cases/${caseId}`)).body;
    expect(detail.case).to.include({ status: 'open', rounds: 1 });
    expect(detail.timeline.filter((e: { type: string }) => e.type === 'case.reopened')).to.have.length(1);
    // one new instance only: one 派发核实 open for the case
    await todo(dispatcher, caseId, 'assignInspector');
    const open = await server.platform.engine.listUserTasks({ state: 'created', elementId: 'assignInspector' });
    const instances = new Set((await Promise.all(open.map(async (t) => ({ t, v: await server.platform.engine.getVariables(t.processInstanceKey) }))))
      .filter(({ v }) => v.caseId === caseId).map(({ t }) => t.processInstanceKey));
    expect(instances.size).to.equal(1);
    // an admin may reopen too; a case opened from scratch (never closed) may not
    const fresh = await dispatcher.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '刚立案', address: '城东区' });
    const refused = await admin.post(`/api/cases/${fresh.body.case.id}/reopen`, { reason: '试试' });
    expect(refused.status).to.equal(409);
    expect(refused.body.detail).to.match(/仍在办理中/);
  });
});
