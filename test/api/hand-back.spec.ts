/**
 * No case is stranded (issue 12, point 1). Walks every user task of the enforcement case over
 * HTTP; at each one the task is taken, given back with a reason, and reassigned (转派) where
 * there is someone to give it to — and after every move some signed-in person can still act on
 * the case: its task is in their 待办 and they may claim, complete or reassign it.
 */
import { expect } from 'chai';
import sharp from 'sharp';
import { CaseEntity } from '../../cases/entities.js';
import { StrandedTasks1732400000950 } from '../../storage/migrations/1732400000950-stranded-tasks.js';
import { startTestServer, eventually, type ApiClient, type TestServer } from '../support/server.js';

interface Step {
  elementId: string;
  /** Who takes the task first (claims it, or holds it from the start). */
  holder: string;
  /** Who the task goes back to when the holder gives it back (in their 待办). */
  backTo: string;
  /** Who reassigns it, and to whom (none when the group has nobody else). */
  reassign?: { by: string; to: string };
  /** People who may see the case but must not reassign the task. */
  refused: string[];
  photoField?: string;
  data: Record<string, unknown>;
}

const steps: Step[] = [
  { elementId: 'assignInspector', holder: 'dispatcher1', backTo: 'dispatcher2', reassign: { by: 'dispatcher2', to: 'dispatcher2' }, refused: [], data: { inspector: 'inspector1', assignNotes: '请今天到现场' } },
  { elementId: 'verifyReport', holder: 'inspector1', backTo: 'dispatcher1', reassign: { by: 'dispatcher1', to: 'inspector2' }, refused: ['inspector1'], photoField: 'verifyPhotos', data: { verification: 'substantiated', verifyNotes: '现场属实' } },
  { elementId: 'dispatchToUnit', holder: 'dispatcher1', backTo: 'dispatcher2', reassign: { by: 'admin', to: 'dispatcher2' }, refused: [], data: { unitId: 'U-JD-01', dispatchNotes: '请处置' } },
  { elementId: 'assignOfficer', holder: 'wangqiang', backTo: 'wangqiang', refused: ['dispatcher1'], data: { officer: 'zhangwei' } },
  { elementId: 'enforce', holder: 'zhangwei', backTo: 'wangqiang', reassign: { by: 'wangqiang', to: 'liuyang' }, refused: ['dispatcher1', 'zhangwei'], photoField: 'enforcePhotos', data: { enforceResult: '已责令整改' } },
  { elementId: 'reviewResult', holder: 'wangqiang', backTo: 'wangqiang', refused: ['liuyang'], data: { review: 'approved', reviewNotes: '同意' } },
  { elementId: 'assignRecheck', holder: 'dispatcher2', backTo: 'dispatcher1', reassign: { by: 'dispatcher1', to: 'dispatcher1' }, refused: [], data: { recheckInspector: 'inspector1' } },
  { elementId: 'recheck', holder: 'inspector1', backTo: 'dispatcher1', reassign: { by: 'admin', to: 'inspector2' }, refused: ['inspector2', 'wangqiang'], photoField: 'recheckPhotos', data: { recheckResult: 'fixed', recheckFindings: '已整改到位' } },
];

const people = ['admin', 'dispatcher1', 'dispatcher2', 'inspector1', 'inspector2', 'wangqiang', 'lijun', 'zhangwei', 'liuyang'];

async function photo(seed: number): Promise<Blob> {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: (seed * 53) % 256, g: (seed * 97) % 256, b: 90 } } }).jpeg().toBuffer();
  return new Blob([jpeg], { type: 'image/jpeg' });
}

describe('no case is stranded: every user task can be given back and reassigned', function () {
  this.timeout(180_000);
  let server: TestServer;
  const as: Record<string, ApiClient> = {};
  let caseId: string;

  before(async () => {
    server = await startTestServer();
    for (const name of people) as[name] = await server.signIn(name);
  });
  after(async () => server?.close());

  async function taskView(name: string, taskId: string) {
    const response = await as[name].get(`/api/tasks/${taskId}`);
    return response.status === 200 ? response.body : null;
  }

  /** Everyone who could move the case on now: the task is in their 待办 and they may act on it. */
  async function whoCanAct(taskId: string): Promise<string[]> {
    const able: string[] = [];
    for (const name of people) {
      const todo = (await as[name].get('/api/tasks?view=todo&limit=100')).body.items.map((t: { id: string }) => t.id);
      const view = await taskView(name, taskId);
      if (todo.includes(taskId) && view && (view.canClaim || view.canComplete || view.canReassign)) able.push(name);
    }
    return able;
  }

  async function openTask(elementId: string): Promise<string> {
    return eventually(async () => {
      const detail = (await as.admin.get(`/api/cases/${caseId}`)).body;
      const open = detail.rounds.flatMap((r: { tasks: { id: string; elementId: string; state: string }[] }) => r.tasks).find((t: { elementId: string; state: string }) => t.elementId === elementId && t.state === 'created');
      return open?.id as string | undefined;
    }, `${elementId} open`);
  }

  async function timeline(): Promise<{ type: string; taskId: string | null; actor: string | null; data: Record<string, unknown> | null }[]> {
    return (await as.admin.get(`/api/cases/${caseId}`)).body.timeline;
  }

  it('walks every user task: given back it goes to whoever assigned it, reassigned it reaches the new person, and somebody can always act', async () => {
    const created = await as.dispatcher1.post('/api/cases', {
      source: 'hotline', category: 'street-vending', description: '菜场门口流动摊贩占道经营', address: '城东区解放路 88 号', location: { lng: 120.2075, lat: 30.2625 },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    caseId = created.body.case.id;

    let seed = 0;
    for (const step of steps) {
      const taskId = await openTask(step.elementId);
      expect(await whoCanAct(taskId), `${step.elementId} as created`).to.have.length.greaterThan(0);

      // the holder takes it (a personal task is theirs from the start)
      const before = await taskView(step.holder, taskId);
      expect(before, `${step.holder} sees ${step.elementId}`).to.not.equal(null);
      if (!before.task.assignee) expect((await as[step.holder].post(`/api/tasks/${taskId}/claim`)).status).to.equal(200);
      expect((await taskView(step.holder, taskId)).task.assignee).to.equal(step.holder);

      // giving back needs a reason
      for (const body of [undefined, {}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(501) }, { reason: 42 }]) {
        const refused = await as[step.holder].post(`/api/tasks/${taskId}/unclaim`, body);
        expect(refused.status, `${step.elementId} unclaim ${JSON.stringify(body)}`).to.equal(400);
      }
      expect((await taskView(step.holder, taskId)).task.assignee, 'a refused give-back changes nothing').to.equal(step.holder);

      const back = await as[step.holder].post(`/api/tasks/${taskId}/unclaim`, { reason: '今天外出培训，无法处理' });
      expect(back.status, JSON.stringify(back.body)).to.equal(200);
      expect(back.body.assignee).to.equal(null);
      const able = await whoCanAct(taskId);
      expect(able, `${step.elementId} given back`).to.include(step.backTo);
      const event = (await timeline()).filter((e) => e.taskId === taskId && e.type === 'task.unclaimed').at(-1);
      expect(event?.actor).to.equal(step.holder);
      expect(event?.data).to.include({ previousAssignee: step.holder, reason: '今天外出培训，无法处理' });

      let doer = step.backTo;
      if (step.reassign) {
        const { by, to } = step.reassign;
        for (const name of step.refused) {
          const refused = await as[name].post(`/api/tasks/${taskId}/reassign`, { assignee: to, reason: '改派' });
          expect([403, 404], `${name} reassigning ${step.elementId}`).to.include(refused.status);
        }
        const options = (await as[by].get(`/api/tasks/${taskId}/reassign-options`)).body.options.map((o: { value: string }) => o.value);
        expect(options, `${step.elementId} reassign choices`).to.include(to);
        expect((await as[by].post(`/api/tasks/${taskId}/reassign`, { assignee: 'nobody-such', reason: '改派' })).status).to.equal(422);
        expect((await as[by].post(`/api/tasks/${taskId}/reassign`, { assignee: to, reason: ' ' })).status).to.equal(400);
        const moved = await as[by].post(`/api/tasks/${taskId}/reassign`, { assignee: to, reason: '原办理人外出，改由他人办理' });
        expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
        expect(moved.body.assignee).to.equal(to);
        expect(await whoCanAct(taskId)).to.include(to);
        // the list names the holder by name, not username
        const list = (await as[to].get('/api/tasks?view=todo&limit=100')).body;
        expect(list.names[to], `${to}'s display name`).to.match(/[\u4e00-\u9fff]/);
        const reassigned = (await timeline()).filter((e) => e.taskId === taskId && e.type === 'task.reassigned').at(-1);
        expect(reassigned?.actor).to.equal(by);
        expect(reassigned?.data).to.include({ assignee: to, reason: '原办理人外出，改由他人办理' });
        doer = to;
      } else {
        expect((await as[doer].post(`/api/tasks/${taskId}/claim`)).status).to.equal(200);
      }

      const variables: Record<string, unknown> = { ...step.data };
      if (step.photoField) {
        const form = new FormData();
        form.append('photo', await photo(++seed), `site-${seed}.jpg`);
        const uploaded = await as[doer].request('POST', `/api/tasks/${taskId}/photos`, form);
        expect(uploaded.status, JSON.stringify(uploaded.body)).to.equal(201);
        variables[step.photoField] = [uploaded.body.id];
      }
      const done = await as[doer].post(`/api/tasks/${taskId}/complete`, { variables });
      expect(done.status, `${doer} completes ${step.elementId}: ${JSON.stringify(done.body)}`).to.equal(200);
    }

    const closed = await eventually(async () => {
      const body = (await as.admin.get(`/api/cases/${caseId}`)).body;
      return body.case.status === 'closed' ? body : null;
    }, 'the case to close');
    expect(closed.rounds.map((r: { round: number }) => r.round)).to.deep.equal([0, 1]);
    // the case record names who did the work after the reassignments (it decides who sees the case)
    const row = await server.platform.dataSource.getRepository(CaseEntity).findOneByOrFail({ id: caseId });
    expect({ inspector: row.inspector, officer: row.officer }).to.deep.equal({ inspector: 'inspector2', officer: 'liuyang' });
  });

  it('refuses give-backs and reassignments that are not anyone\'s to make', async () => {
    const created = await as.dispatcher1.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '权限测试', address: '城东区解放路 90 号' });
    caseId = created.body.case.id;
    const taskId = await openTask('assignInspector');
    expect((await as.dispatcher1.post(`/api/tasks/${taskId}/claim`)).status).to.equal(200);
    // an inspector cannot see a dispatcher's task at all; a unit lead neither
    expect((await as.inspector1.post(`/api/tasks/${taskId}/unclaim`, { reason: '不是我的' })).status).to.equal(404);
    expect((await as.lijun.post(`/api/tasks/${taskId}/reassign`, { assignee: 'dispatcher2', reason: '不是我的' })).status).to.equal(404);
    // reassigning to someone outside the group is refused with the field named
    const outside = await as.dispatcher2.post(`/api/tasks/${taskId}/reassign`, { assignee: 'inspector1', reason: '改派' });
    expect(outside.status).to.equal(422);
    expect(outside.body.field).to.equal('assignee');
    expect(outside.body.title).to.match(/[\u4e00-\u9fff]/);
    expect((await as.dispatcher2.post(`/api/tasks/${taskId}/reassign`, { assignee: 'dispatcher2', reason: '改派', extra: 1 })).status).to.equal(400);
    expect((await as.dispatcher2.post(`/api/tasks/${taskId}/reassign`, { assignee: '', reason: '改派' })).status).to.equal(400);
    expect((await taskView('dispatcher1', taskId)).task.assignee).to.equal('dispatcher1');
    // a completed task can be neither given back nor reassigned
    const done = await as.dispatcher1.post(`/api/tasks/${taskId}/complete`, { variables: { inspector: 'inspector1' } });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect((await as.dispatcher1.post(`/api/tasks/${taskId}/unclaim`, { reason: '晚了' })).status).to.equal(409);
    expect((await as.admin.post(`/api/tasks/${taskId}/reassign`, { assignee: 'dispatcher2', reason: '晚了' })).status).to.equal(409);
  });

  it('offers a task stranded by an earlier version (no assignee, no candidate) to whoever assigned it', async () => {
    const created = await as.dispatcher1.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '旧版本退回的任务', address: '城东区解放路 92 号' });
    caseId = created.body.case.id;
    const assign = await openTask('assignInspector');
    expect((await as.dispatcher1.post(`/api/tasks/${assign}/complete`, { variables: { inspector: 'inspector1' } })).status).to.equal(200);
    const verify = await openTask('verifyReport');
    // what 取消认领 left behind before this fix
    const ds = server.platform.dataSource;
    await ds.query('UPDATE engine_user_task SET assignee = NULL WHERE `key` = ?', [verify]);
    await ds.query('UPDATE task_record SET assignee = NULL, claimed_at = NULL WHERE id = ?', [verify]);
    expect(await whoCanAct(verify), 'stranded: in nobody\'s 待办').to.deep.equal([]);
    const runner = ds.createQueryRunner();
    try {
      await new StrandedTasks1732400000950().up(runner);
    } finally {
      await runner.release();
    }
    expect(await whoCanAct(verify)).to.include.members(['dispatcher1', 'dispatcher2']);
    expect((await as.dispatcher1.post(`/api/tasks/${verify}/reassign`, { assignee: 'inspector2', reason: '原信息员已退回' })).status).to.equal(200);
    expect(await whoCanAct(verify)).to.include('inspector2');
  });

  it('walks 确认不属实 too: given back it stays with the dispatchers, an admin reassigns it', async () => {
    const created = await as.dispatcher1.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '不属实确认的退回', address: '城东区解放路 94 号' });
    caseId = created.body.case.id;
    const assign = await openTask('assignInspector');
    expect((await as.dispatcher1.post(`/api/tasks/${assign}/complete`, { variables: { inspector: 'inspector1' } })).status).to.equal(200);
    const verify = await openTask('verifyReport');
    const form = new FormData();
    form.append('photo', await photo(99), 'site.jpg');
    const uploaded = await as.inspector1.request('POST', `/api/tasks/${verify}/photos`, form);
    expect((await as.inspector1.post(`/api/tasks/${verify}/complete`, { variables: { verification: 'unsubstantiated', verifyNotes: '未发现', verifyPhotos: [uploaded.body.id] } })).status).to.equal(200);
    const confirm = await openTask('confirmDismissal');
    expect(await whoCanAct(confirm)).to.include.members(['dispatcher1', 'dispatcher2']);
    expect((await as.dispatcher1.post(`/api/tasks/${confirm}/claim`)).status).to.equal(200);
    expect((await as.dispatcher1.post(`/api/tasks/${confirm}/unclaim`, { reason: '交班' })).status).to.equal(200);
    expect(await whoCanAct(confirm)).to.include('dispatcher2');
    expect((await as.admin.post(`/api/tasks/${confirm}/reassign`, { assignee: 'dispatcher2', reason: '由钱颖确认' })).status).to.equal(200);
    expect((await as.dispatcher2.post(`/api/tasks/${confirm}/complete`, { variables: { dismissalDecision: 'confirm' } })).status).to.equal(200);
    await eventually(async () => (await as.admin.get(`/api/cases/${caseId}`)).body.case.status === 'dismissed', 'the case dismissed');
  });
});
