/**
 * 已办 / 办结 list cases, not tasks: one case walked over HTTP with a failed re-check (核查 runs
 * twice, by the same inspector) is one item in each person's list, naming the steps they did
 * and how often, counted as one case on the tabs; in 已办 while it is open, in 办结 once closed.
 * Pages go case by case, most recent of my actions first; nobody else sees my part; the answers
 * match the schema the route documents; and the migration that fills task_person_case from the
 * task records already written rebuilds the very same lists.
 */
import { expect } from 'chai';
import sharp from 'sharp';
import { Ajv } from 'ajv';
import { addFormats } from '../../api/src/validation/ajv.js';
import { startTestServer, eventually, type ApiClient, type TestServer } from '../support/server.js';
import { TaskPersonCase1732400001600 } from '../../storage/migrations/1732400001600-task-person-case.js';

interface CaseItem {
  caseId: string; caseNumber: string; caseStatus: string; address: string; category: string; currentStep: string | null; currentStepName: string | null;
  lastDoneAt: string; myTaskCount: number; mySteps: { elementId: string; name: string | null; count: number }[];
}

async function photo(seed: number): Promise<Blob> {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: (seed * 53) % 256, g: (seed * 97) % 256, b: (seed * 31) % 256 } } })
    .composite([{ input: Buffer.from(`<svg width="64" height="48"><circle cx="${10 + (seed % 40)}" cy="24" r="9" fill="white"/></svg>`), top: 0, left: 0 }])
    .jpeg().toBuffer();
  return new Blob([jpeg], { type: 'image/jpeg' });
}

describe('已办 / 办结 list cases, one per case with my part in it', function () {
  this.timeout(120_000);
  let server: TestServer;
  const as: Record<string, ApiClient> = {};
  let checkAnswer: (body: unknown) => boolean;
  let schemaErrors: () => unknown;
  let seed = 0;

  before(async () => {
    server = await startTestServer();
    for (const name of ['dispatcher1', 'dispatcher2', 'inspector1', 'inspector2', 'wangqiang', 'zhangwei']) as[name] = await server.signIn(name);
    // the answer's schema as /api/openapi.json documents it
    const doc = (await server.anonymous().get('/api/openapi.json')).body;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(doc.paths['/api/tasks'].get.responses['200'].content['application/json'].schema);
    checkAnswer = (body) => validate(body) as boolean;
    schemaErrors = () => validate.errors;
  });
  after(async () => server?.close());

  async function list(who: string, view: 'todo' | 'done' | 'closed', query = 'limit=100&counts=true') {
    const response = await as[who].get(`/api/tasks?view=${view}&${query}`);
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    expect(checkAnswer(response.body), `${who} ${view}: ${JSON.stringify(schemaErrors())}`).to.equal(true);
    return response.body as { kind: string; items: CaseItem[]; total: number; counts: Record<string, number>; limit: number; offset: number };
  }

  /** My item of the case in a list (failing if it is there more than once). */
  async function itemOf(who: string, view: 'done' | 'closed', caseId: string): Promise<CaseItem | undefined> {
    const found = (await list(who, view)).items.filter((c) => c.caseId === caseId);
    expect(found.length, `${who}'s ${view} holds case ${caseId} at most once`).to.be.at.most(1);
    return found[0];
  }

  const steps = (item: CaseItem | undefined) => item?.mySteps.map((s) => `${s.name}${s.count > 1 ? ` ×${s.count}` : ''}`);

  async function openCase(description: string): Promise<string> {
    const created = await as.dispatcher1.post('/api/cases', { source: 'hotline', category: 'street-vending', description, address: '城东区解放路 88 号', location: { lng: 120.2075, lat: 30.2625 } });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    return created.body.case.id;
  }

  async function todo(who: string, caseId: string, elementId: string): Promise<string> {
    const task = await eventually(async () => (await as[who].get('/api/tasks?view=todo&limit=100')).body.items.find((t: { caseId: string; elementId: string }) => t.caseId === caseId && t.elementId === elementId), `${elementId} in ${who}'s 待办`);
    return (task as { id: string }).id;
  }

  async function uploaded(who: string, taskId: string): Promise<string[]> {
    const form = new FormData();
    form.append('photo', await photo(++seed), `site-${seed}.jpg`);
    const response = await as[who].request('POST', `/api/tasks/${taskId}/photos`, form);
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return [response.body.id];
  }

  async function complete(who: string, caseId: string, elementId: string, variables: (taskId: string) => Promise<Record<string, unknown>> | Record<string, unknown>): Promise<void> {
    const taskId = await todo(who, caseId, elementId);
    const response = await as[who].post(`/api/tasks/${taskId}/complete`, { variables: await variables(taskId) });
    expect(response.status, `${who} completes ${elementId}: ${JSON.stringify(response.body)}`).to.equal(200);
  }

  const assignInspector = () => ({ inspector: 'inspector1', assignNotes: '请今天到现场' });
  const verify = async (taskId: string) => ({ verification: 'substantiated', verifyNotes: '现场有摊位占道', verifyPhotos: await uploaded('inspector1', taskId) });

  async function round(caseId: string, fixed: boolean): Promise<void> {
    await complete('dispatcher1', caseId, 'dispatchToUnit', () => ({ unitId: 'U-JD-01', dispatchNotes: '请处置' }));
    await complete('wangqiang', caseId, 'assignOfficer', () => ({ officer: 'zhangwei' }));
    await complete('zhangwei', caseId, 'enforce', async (id) => ({ enforceResult: '已责令摊主撤离', enforcePhotos: await uploaded('zhangwei', id) }));
    await complete('wangqiang', caseId, 'reviewResult', () => ({ review: 'approved', reviewNotes: '处置到位' }));
    await complete('dispatcher1', caseId, 'assignRecheck', () => ({ recheckInspector: 'inspector1' }));
    await complete('inspector1', caseId, 'recheck', async (id) => ({ recheckResult: fixed ? 'fixed' : 'not_fixed', recheckFindings: fixed ? '已整改到位' : '摊贩仍在', recheckPhotos: await uploaded('inspector1', id) }));
  }

  let looped: string;

  it('lists a case once, with the steps I did in it, in 已办 while open and in 办结 once closed', async () => {
    const before = { inspector1: (await list('inspector1', 'done')).counts, dispatcher1: (await list('dispatcher1', 'done')).counts };
    looped = await openCase('解放路菜场门口流动摊贩占道经营（按案件列出）');
    await complete('dispatcher1', looped, 'assignInspector', assignInspector);
    await complete('inspector1', looped, 'verifyReport', verify);
    const verified = await itemOf('inspector1', 'done', looped);
    expect(steps(verified)).to.deep.equal(['现场核实']);
    expect(verified?.myTaskCount).to.equal(1);
    expect(verified?.caseStatus).to.equal('open');

    await round(looped, false);
    // the first re-check failed: the case is back at 派遣, and my item shows both my steps
    const afterLoop = await eventually(async () => {
      const item = await itemOf('inspector1', 'done', looped);
      return item?.currentStep === 'dispatchToUnit' ? item : null;
    }, 'the case back at 派遣');
    expect(afterLoop.currentStepName).to.equal('派遣');
    expect(steps(afterLoop)).to.deep.equal(['现场核实', '核查']);
    expect((await list('inspector1', 'done')).counts.done, 'one case, not two tasks').to.equal(before.inspector1.done + 1);
    expect(await itemOf('inspector1', 'closed', looped)).to.equal(undefined);

    await round(looped, true);
    await eventually(async () => (await as.dispatcher1.get(`/api/cases/${looped}`)).body.case.status === 'closed', 'the case to close');

    const mine = await itemOf('inspector1', 'closed', looped);
    expect(steps(mine)).to.deep.equal(['现场核实', '核查 ×2']);
    expect(mine?.myTaskCount).to.equal(3);
    expect(mine).to.include({ caseStatus: 'closed', currentStep: null, currentStepName: null, address: '城东区解放路 88 号', category: 'street-vending' });
    expect(mine?.caseNumber).to.match(/^ZF-\d{8}-\d{4}$/);
    expect(await itemOf('inspector1', 'done', looped), 'no longer in 已办').to.equal(undefined);
    const inspectorLists = await list('inspector1', 'closed');
    expect(inspectorLists.kind).to.equal('case');
    expect(inspectorLists.counts).to.include({ done: before.inspector1.done, closed: before.inspector1.closed + 1 });

    // five tasks of the dispatcher, one case; the same for the lead and the officer
    const dispatcher = await itemOf('dispatcher1', 'closed', looped);
    expect(steps(dispatcher)).to.deep.equal(['派发核实', '派遣 ×2', '派发核查 ×2']);
    expect(dispatcher?.myTaskCount).to.equal(5);
    expect((await list('dispatcher1', 'closed')).counts.closed).to.equal(before.dispatcher1.closed + 1);
    expect(steps(await itemOf('wangqiang', 'closed', looped))).to.deep.equal(['指派 ×2', '单位审核 ×2']);
    expect(steps(await itemOf('zhangwei', 'closed', looped))).to.deep.equal(['执法处置 ×2']);
    // my last action is the item's time: the inspector's last re-check
    const timeline = (await as.dispatcher1.get(`/api/cases/${looped}`)).body.timeline as { type: string; actor: string; at: string }[];
    const lastRecheck = Math.max(...timeline.filter((e) => e.type === 'task.completed' && e.actor === 'inspector1').map((e) => Date.parse(e.at)));
    expect(Date.parse(mine?.lastDoneAt ?? '')).to.equal(lastRecheck);
  });

  it('pages by case, the most recent of my actions first; 待办 stays by task', async () => {
    const first = await openCase('建国路店外经营（分页一）');
    const second = await openCase('中山路店外经营（分页二）');
    await complete('dispatcher1', first, 'assignInspector', assignInspector);
    await complete('dispatcher1', second, 'assignInspector', assignInspector);
    await complete('inspector1', first, 'verifyReport', verify);
    // a second task in the first case brings it back to the top
    await complete('dispatcher1', first, 'dispatchToUnit', () => ({ unitId: 'U-JD-01', dispatchNotes: '请处置' }));

    const all = await list('dispatcher1', 'done');
    const ours = all.items.filter((c) => [first, second].includes(c.caseId));
    expect(ours.map((c) => c.caseId)).to.deep.equal([first, second]);
    expect(steps(ours[0])).to.deep.equal(['派发核实', '派遣']);
    const times = all.items.map((c) => Date.parse(c.lastDoneAt));
    expect(times, 'most recent first').to.deep.equal([...times].sort((a, b) => b - a));
    expect(all.total).to.equal(all.items.length);
    expect(all.counts.done, 'counted in cases').to.equal(all.items.length);

    const pages: string[] = [];
    for (let offset = 0; offset < all.total; offset += 1) {
      const page = await list('dispatcher1', 'done', `limit=1&offset=${offset}`);
      expect(page.items, `page at ${offset}`).to.have.length(1);
      expect(page.total).to.equal(all.total);
      pages.push(page.items[0].caseId);
    }
    expect(pages, 'one case per page, each once, in order').to.deep.equal(all.items.map((c) => c.caseId));
    expect((await list('dispatcher1', 'done', `limit=1&offset=${all.total}`)).items).to.deep.equal([]);

    const todoList = await list('wangqiang', 'todo');
    expect(todoList.kind).to.equal('task');
    expect(todoList.items.some((t) => t.caseId === first && (t as unknown as { elementId: string }).elementId === 'assignOfficer')).to.equal(true);
  });

  it('shows nobody else my part in a case', async () => {
    for (const who of ['dispatcher2', 'inspector2']) {
      for (const view of ['done', 'closed'] as const) {
        const answer = await list(who, view);
        expect(answer.items.map((c) => c.caseId), `${who} ${view}`).to.not.include(looped);
        expect(answer.counts[view], `${who} ${view}`).to.equal(0);
      }
    }
    // the officer's item of the case is the officer's own part only
    expect((await itemOf('zhangwei', 'closed', looped))?.mySteps.map((s) => s.elementId)).to.deep.equal(['enforce']);
  });

  it('refuses list parameters out of bounds', async () => {
    for (const query of ['view=done&limit=0', 'view=done&limit=101', 'view=closed&offset=-1', 'view=closed&offset=100001', 'view=cases', 'view=done&limit=1e309', 'view=done&extra=1']) {
      const response = await as.dispatcher1.get(`/api/tasks?${query}`);
      expect(response.status, query).to.equal(400);
      expect(response.body.title, query).to.match(/[\u4e00-\u9fff]/);
    }
  });

  it('the migration fills task_person_case from the task records to the same lists', async () => {
    const people = ['dispatcher1', 'inspector1', 'wangqiang', 'zhangwei', 'inspector2'];
    const answers = async () => Promise.all(people.flatMap((who) => (['done', 'closed'] as const).map((view) => list(who, view))));
    const kept = await answers();
    const runner = server.platform.dataSource.createQueryRunner();
    try {
      const migration = new TaskPersonCase1732400001600();
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect(await answers()).to.deep.equal(kept);
  });
});
