/**
 * The seven steps through HTTP only, as four signed-in people (dispatcher, inspector, the
 * unit's lead and its officer), with photos and one failed re-check. After every step each
 * person's 待办 (tasks) / 已办 / 办结 (cases, with the steps they did) are checked; at the end, the archive.
 */
import { expect } from 'chai';
import sharp from 'sharp';
import { startTestServer, eventually, type ApiClient, type TestServer } from '../support/server.js';

type Lists = { todo: string[]; done: string[]; closed: string[] };

async function photo(seed: number): Promise<Blob> {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: (seed * 53) % 256, g: (seed * 97) % 256, b: (seed * 31) % 256 } } })
    .composite([{ input: Buffer.from(`<svg width="64" height="48"><circle cx="${10 + (seed % 40)}" cy="24" r="9" fill="white"/></svg>`), top: 0, left: 0 }])
    .jpeg().toBuffer();
  return new Blob([jpeg], { type: 'image/jpeg' });
}

describe('the seven steps over HTTP, four users, one failed re-check', function () {
  this.timeout(120_000);
  let server: TestServer;
  let dispatcher: ApiClient;
  let inspector: ApiClient;
  let lead: ApiClient;
  let officer: ApiClient;
  let caseId: string;

  before(async () => {
    server = await startTestServer();
    dispatcher = await server.signIn('dispatcher1');
    inspector = await server.signIn('inspector1');
  });
  after(async () => server?.close());

  /** The element ids of my tasks of this case in each list. */
  async function lists(client: ApiClient): Promise<Lists> {
    const out: Lists = { todo: [], done: [], closed: [] };
    for (const view of ['todo', 'done', 'closed'] as const) {
      const response = await client.get(`/api/tasks?view=${view}&limit=100&counts=true`);
      expect(response.status).to.equal(200);
      const mine = response.body.items.filter((t: { caseId: string }) => t.caseId === caseId);
      if (view === 'todo') out[view] = mine.map((t: { elementId: string }) => t.elementId);
      else {
        // 已办 / 办结 list the case once, with the steps I did in it
        expect(mine.length, `${client.username}'s ${view} lists the case once`).to.be.at.most(1);
        out[view] = (mine[0]?.mySteps ?? []).map((s: { elementId: string; count: number }) => (s.count > 1 ? `${s.elementId}×${s.count}` : s.elementId));
      }
      expect(response.body.counts[view]).to.equal(response.body.total);
    }
    return out;
  }

  async function waitForTodo(client: ApiClient, elementId: string): Promise<{ id: string }> {
    return eventually(async () => {
      const response = await client.get('/api/tasks?view=todo&limit=100');
      return response.body.items.find((t: { caseId: string; elementId: string }) => t.caseId === caseId && t.elementId === elementId);
    }, `${elementId} in ${client.username}'s 待办`);
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

  async function formOptions(client: ApiClient, taskId: string, key: string): Promise<{ value: string; label: string }[]> {
    const response = await client.get(`/api/tasks/${taskId}/form`);
    expect(response.status).to.equal(200);
    return response.body.options[key];
  }

  async function oneRound(round: number, fixed: boolean): Promise<void> {
    const dispatch = await waitForTodo(dispatcher, 'dispatchToUnit');
    const units = await formOptions(dispatcher, dispatch.id, 'unitOptions');
    expect(units[0].value).to.equal('U-JD-01'); // the suggestion comes first
    expect(units[0].label).to.include('推荐');
    // and the form opens with it chosen (later rounds keep the unit of the last round)
    expect((await dispatcher.get(`/api/tasks/${dispatch.id}/form`)).body.data.unitId).to.equal('U-JD-01');
    await complete(dispatcher, dispatch.id, { unitId: 'U-JD-01', dispatchNotes: `第${round}次派遣` });
    expect((await lists(dispatcher)).done).to.include(round > 1 ? `dispatchToUnit×${round}` : 'dispatchToUnit');

    const assign = await waitForTodo(lead, 'assignOfficer');
    const offered = await formOptions(lead, assign.id, 'officerOptions');
    const officers = offered.map((o) => o.value);
    expect(officers).to.include('zhangwei');
    // the suggested officer is chosen when the form opens; off-duty ones are marked
    const suggested = offered.find((o) => o.label.includes('推荐'));
    if (round === 1) expect((await lead.get(`/api/tasks/${assign.id}/form`)).body.data.officer).to.equal(suggested?.value ?? undefined);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const duty = await server.platform.units.officersOnDate('U-JD-01', today);
    for (const o of offered) expect(o.label.includes('今日休息'), o.label).to.equal(duty.find((d) => d.username === o.value)?.onDuty === false);
    await complete(lead, assign.id, { officer: 'zhangwei' });

    const enforce = await waitForTodo(officer, 'enforce');
    expect((await lists(officer)).todo).to.deep.equal(['enforce']);
    const enforcePhoto = await uploadPhoto(officer, enforce.id, 10 + round);
    await complete(officer, enforce.id, { enforceResult: '已责令摊主撤离并清理现场', enforcePhotos: [enforcePhoto] });
    expect((await lists(officer)).done).to.deep.equal([round > 1 ? `enforce×${round}` : 'enforce']);

    const review = await waitForTodo(lead, 'reviewResult');
    await complete(lead, review.id, { review: 'approved', reviewNotes: '处置到位' });

    const assignRecheck = await waitForTodo(dispatcher, 'assignRecheck');
    await complete(dispatcher, assignRecheck.id, { recheckInspector: 'inspector1' });

    const recheck = await waitForTodo(inspector, 'recheck');
    const recheckPhoto = await uploadPhoto(inspector, recheck.id, 20 + round);
    await complete(inspector, recheck.id, { recheckResult: fixed ? 'fixed' : 'not_fixed', recheckFindings: fixed ? '已整改到位' : '摊贩仍在', recheckPhotos: [recheckPhoto] });
  }

  it('walks the case from the report to the archive', async () => {
    const created = await dispatcher.post('/api/cases', {
      source: 'hotline', category: 'street-vending', description: '解放路菜场门口流动摊贩占道经营，影响通行', address: '城东区解放路 88 号',
      location: { lng: 120.2075, lat: 30.2625 }, reporterPhone: '13812345678',
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    caseId = created.body.case.id;
    expect(created.body.case.number).to.match(/^ZF-\d{8}-\d{4}$/);

    // step 2: the dispatcher sends an inspector
    const assign = await waitForTodo(dispatcher, 'assignInspector');
    expect(await lists(inspector)).to.deep.equal({ todo: [], done: [], closed: [] });
    const inspectors = (await formOptions(dispatcher, assign.id, 'inspectorOptions')).map((o) => o.value);
    expect(inspectors).to.include.members(['inspector1', 'inspector2']);
    await complete(dispatcher, assign.id, { inspector: 'inspector1', assignNotes: '请今天到现场' });
    expect(await lists(dispatcher)).to.deep.include({ done: ['assignInspector'], closed: [] });

    const verify = await waitForTodo(inspector, 'verifyReport');
    const verifyPhoto = await uploadPhoto(inspector, verify.id, 1);
    await complete(inspector, verify.id, { verification: 'substantiated', verifyNotes: '现场有 3 个摊位占道', verifyPhotos: [verifyPhoto] });
    expect(await lists(inspector)).to.deep.equal({ todo: [], done: ['verifyReport'], closed: [] });

    // steps 3–7, twice: the first re-check finds it not fixed
    lead = await server.signIn('wangqiang'); // lead of U-JD-01
    officer = await server.signIn('zhangwei');
    await oneRound(1, false);
    await oneRound(2, true);

    const closed = await eventually(async () => {
      const response = await dispatcher.get(`/api/cases/${caseId}`);
      return response.body.case.status === 'closed' ? response.body : null;
    }, 'the case to close');
    expect(closed.case.rounds).to.equal(2);
    expect(closed.case.areaId).to.match(/^G-CD-/); // the 单元网格 the unit suggestion found
    const byArea = await dispatcher.get(`/api/cases?areaId=${closed.case.areaId}`);
    expect(byArea.body.items.map((c: { id: string }) => c.id)).to.include(caseId);
    expect(closed.rounds.map((r: { round: number }) => r.round)).to.deep.equal([0, 1, 2]);
    // the history names people and the unit, not their ids
    expect(closed.names.people).to.include({ dispatcher1: '坐席 周敏', inspector1: '信息员 李明', wangqiang: '王强', zhangwei: '张伟' });
    expect(closed.names.units).to.deep.equal({ 'U-JD-01': '城东街道执法中队' });

    // the case is now in everyone's 办结, once, with the steps each did; none left in 待办 or 已办
    expect(await lists(dispatcher)).to.deep.equal({ todo: [], done: [], closed: ['assignInspector', 'dispatchToUnit×2', 'assignRecheck×2'] });
    expect(await lists(inspector)).to.deep.equal({ todo: [], done: [], closed: ['verifyReport', 'recheck×2'] });
    expect(await lists(lead)).to.deep.equal({ todo: [], done: [], closed: ['assignOfficer×2', 'reviewResult×2'] });
    expect(await lists(officer)).to.deep.equal({ todo: [], done: [], closed: ['enforce×2'] });

    const archive = await dispatcher.get(`/api/cases/${caseId}/archive`);
    expect(archive.status).to.equal(200);
    expect(archive.body.outcome).to.equal('resolved');
    const timeline = archive.body.content.timeline as { type: string; actor: string | null; elementId: string }[];
    const completions = timeline.filter((e) => e.type === 'task.completed').map((e) => `${e.elementId}:${e.actor}`);
    expect(completions).to.deep.equal([
      'assignInspector:dispatcher1', 'verifyReport:inspector1',
      'dispatchToUnit:dispatcher1', 'assignOfficer:wangqiang', 'enforce:zhangwei', 'reviewResult:wangqiang', 'assignRecheck:dispatcher1', 'recheck:inspector1',
      'dispatchToUnit:dispatcher1', 'assignOfficer:wangqiang', 'enforce:zhangwei', 'reviewResult:wangqiang', 'assignRecheck:dispatcher1', 'recheck:inspector1',
    ]);
    expect(archive.body.content.photos).to.have.length(5);
    const sms = await dispatcher.get(`/api/sms/messages?caseId=${caseId}`);
    expect(sms.body.map((m: { text: string }) => m.text).join('\n')).to.include('已受理').and.include('已处理完毕');
  });
});
