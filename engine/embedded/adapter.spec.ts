import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { EmbeddedEngine } from './adapter.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { DomainError } from '../../errors/index.js';
import type { Worker } from '../../workers/contract.js';
import { JobFailure } from '../../workers/contract.js';
import { InstanceEntity, JobEntity, TimerEntity, UserTaskEntity } from './entities.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const reviewXml = fs.readFileSync(path.join(here, 'fixtures/review.bpmn'), 'utf8');

async function expectDomainError(promise: Promise<unknown>, code: string, detail?: RegExp): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(DomainError);
    expect((error as DomainError).code).to.equal(code);
    if (detail) expect((error as DomainError).detail).to.match(detail);
    return error as DomainError;
  }
  throw new Error(`expected a ${code} error`);
}

describe('embedded engine adapter', function () {
  let db: TestDatabase;
  let engine: EmbeddedEngine;
  const prepared: string[] = [];
  let failPrepare = 0;

  const prepare: Worker<{ ticket: string }> = {
    type: 'test-prepare',
    inputSchema: { type: 'object', required: ['ticket'], properties: { ticket: { type: 'string' } } },
    async handle(variables, job) {
      if (failPrepare > 0) {
        failPrepare -= 1;
        throw new JobFailure('prepare is down', 10);
      }
      prepared.push(`${variables.ticket}:${job.headers.mode}`);
      return { prepared: true };
    },
  };
  const nudge: Worker<Record<string, never>> = {
    type: 'test-nudge',
    inputSchema: { type: 'object' },
    async handle() {
      return { nudged: true };
    },
  };

  async function newEngine(): Promise<EmbeddedEngine> {
    const e = new EmbeddedEngine({ dataSource: db.dataSource, pollIntervalMs: 50, onError: () => {} });
    e.registerWorker(prepare as Worker<never>);
    e.registerWorker(nudge as Worker<never>);
    await e.start();
    return e;
  }

  beforeEach(async () => {
    db = await createTestDatabase();
    prepared.length = 0;
    failPrepare = 0;
    engine = await newEngine();
  });

  afterEach(async () => {
    await engine.stop();
    await db.drop();
  });

  async function startReview(ticket: string, extra: Record<string, unknown> = {}) {
    await engine.deploy([{ name: 'review.bpmn', content: reviewXml }]);
    const instance = await engine.startInstance({ bpmnProcessId: 'review', variables: { ticket, reviewer: 'li', team: 'east', reminderAfter: 'PT1H', ...extra } });
    await engine.idle();
    return instance;
  }

  it('runs jobs, creates user tasks with FEEL assignments, and completes on a condition', async () => {
    const instance = await startReview('T-1');
    expect(prepared).to.deep.equal(['T-1:fast']);
    const [task] = await engine.listUserTasks({ processInstanceKey: instance.key, state: 'created' });
    expect(task.elementId).to.equal('decide');
    expect(task.assignee).to.equal('li');
    expect(task.candidateGroups).to.deep.equal(['team:east', 'admin']);
    expect(task.formId).to.equal('decide');
    const timers = await db.dataSource.getRepository(TimerEntity).find({ where: { instanceKey: instance.key } });
    expect(timers).to.have.length(1);
    expect(timers[0].dueAt.getTime()).to.be.closeTo(Date.now() + 3_600_000, 60_000);

    await engine.completeUserTask(task.key, { decision: 'yes' });
    const done = await engine.getInstance(instance.key);
    expect(done.state).to.equal('completed');
    expect(done.endElementId).to.equal('approved');
    expect(await engine.getVariables(instance.key)).to.include({ decision: 'yes', prepared: true, ticket: 'T-1' });
    const canceledTimers = await db.dataSource.getRepository(TimerEntity).find({ where: { instanceKey: instance.key } });
    expect(canceledTimers[0].state).to.equal('canceled');
  });

  it('refuses variables that break the gateway and leaves the instance where it was', async () => {
    const instance = await startReview('T-2');
    const [task] = await engine.listUserTasks({ processInstanceKey: instance.key, state: 'created' });
    await expectDomainError(engine.completeUserTask(task.key, { decision: 'maybe' }), 'task.completion_rejected', /gw/);
    const same = await engine.getUserTask(task.key);
    expect(same.state).to.equal('created');
    expect((await engine.getVariables(instance.key)).decision).to.equal(undefined);
    await engine.completeUserTask(task.key, { decision: 'yes' });
    expect((await engine.getInstance(instance.key)).state).to.equal('completed');
  });

  it('refuses completing a completed task, and claims are exclusive', async () => {
    const instance = await startReview('T-3', { reviewer: null });
    const [task] = await engine.listUserTasks({ processInstanceKey: instance.key, state: 'created' });
    expect(task.assignee).to.equal(null);
    await engine.claimUserTask(task.key, 'wang');
    await expectDomainError(engine.claimUserTask(task.key, 'zhao'), 'task.already_claimed');
    await engine.unclaimUserTask(task.key);
    await engine.claimUserTask(task.key, 'zhao');
    expect((await engine.getUserTask(task.key)).assignee).to.equal('zhao');
    await engine.completeUserTask(task.key, { decision: 'yes' });
    await expectDomainError(engine.completeUserTask(task.key, { decision: 'yes' }), 'task.already_completed');
    await expectDomainError(engine.claimUserTask(task.key, 'zhao'), 'task.already_completed');
    await expectDomainError(engine.completeUserTask('no-such-task', {}), 'task.not_found');
  });

  it('reassigns an open task whoever holds it (转派), and never a closed one', async () => {
    const instance = await startReview('T-3b', { reviewer: null });
    const [task] = await engine.listUserTasks({ processInstanceKey: instance.key, state: 'created' });
    expect((await engine.reassignUserTask(task.key, 'wang', { reason: '无人认领' })).assignee).to.equal('wang');
    expect((await engine.reassignUserTask(task.key, 'zhao', { reason: '王休假' })).assignee).to.equal('zhao');
    expect((await engine.getUserTask(task.key)).assignee).to.equal('zhao');
    await expectDomainError(engine.reassignUserTask(task.key, '  '), 'request.invalid');
    await engine.completeUserTask(task.key, { decision: 'yes' });
    await expectDomainError(engine.reassignUserTask(task.key, 'wang'), 'task.already_completed');
  });

  it('loops back, correlates messages by key, and survives a restart between steps', async () => {
    const instance = await startReview('T-4');
    let [task] = await engine.listUserTasks({ processInstanceKey: instance.key, state: 'created' });
    await engine.completeUserTask(task.key, { decision: 'again' });
    await engine.idle();
    expect(prepared).to.deep.equal(['T-4:fast', 'T-4:fast']);
    [task] = await engine.listUserTasks({ processInstanceKey: instance.key, state: 'created' });
    await engine.completeUserTask(task.key, { decision: 'more' });

    // restart: a new engine on the same database recovers the instance from its saved state
    await engine.stop();
    engine = await newEngine();
    expect((await engine.publishMessage({ name: 'more-info', correlationKey: 'other', variables: {} })).correlated).to.equal(0);
    expect((await engine.publishMessage({ name: 'more-info', correlationKey: 'T-4', variables: { info: '补充材料' } })).correlated).to.equal(1);
    [task] = await engine.listUserTasks({ processInstanceKey: instance.key, state: 'created' });
    expect(task.elementId).to.equal('decide');
    await engine.completeUserTask(task.key, { decision: 'yes' });
    expect((await engine.getInstance(instance.key)).state).to.equal('completed');
    expect(await engine.getVariables(instance.key)).to.include({ info: '补充材料' });
    const tasks = await db.dataSource.getRepository(UserTaskEntity).find({ where: { instanceKey: instance.key } });
    expect(tasks.map((t) => t.state)).to.deep.equal(['completed', 'completed', 'completed']);
  });

  it('keeps in memory an instance acted on step after step, not one rebuilt for a single action that then waits', async () => {
    const instance = await startReview('T-40');
    await engine.idle();
    // started here and moved on by its job: never rebuilt, so it stays
    expect(engine.store.cache.has(instance.key)).to.equal(true);

    await engine.stop();
    engine = await newEngine();
    let [task] = await engine.listUserTasks({ processInstanceKey: instance.key, state: 'created' });
    expect(engine.store.cache.has(instance.key)).to.equal(false);
    // rebuilt to go back to its job: the executor acts on it next, so it is kept
    await engine.completeUserTask(task.key, { decision: 'again' });
    expect(engine.store.recoveries).to.equal(1);
    await engine.idle();
    expect(engine.store.recoveries, 'the job found it in memory').to.equal(1);
    expect(engine.store.cache.has(instance.key)).to.equal(true);

    await engine.stop();
    engine = await newEngine();
    [task] = await engine.listUserTasks({ processInstanceKey: instance.key, state: 'created' });
    // rebuilt for one decision after which it waits for a message: dropped at once, the
    // database holds it
    await engine.completeUserTask(task.key, { decision: 'more' });
    expect(engine.store.recoveries).to.equal(1);
    expect(engine.store.cache.has(instance.key)).to.equal(false);
    expect((await engine.publishMessage({ name: 'more-info', correlationKey: 'T-40', variables: { info: '补充' } })).correlated).to.equal(1);
    expect(engine.store.recoveries).to.equal(2);
    [task] = await engine.listUserTasks({ processInstanceKey: instance.key, state: 'created' });
    expect(task.elementId).to.equal('decide');
  });

  it('fires a timer from the database after a restart', async () => {
    const instance = await startReview('T-5', { reminderAfter: 'PT0.3S' });
    await engine.stop();
    await new Promise((r) => setTimeout(r, 400));
    engine = await newEngine();
    for (let i = 0; i < 40 && (await engine.getVariables(instance.key)).nudged !== true; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      await engine.idle();
    }
    expect((await engine.getVariables(instance.key)).nudged).to.equal(true);
    const timers = await db.dataSource.getRepository(TimerEntity).find({ where: { instanceKey: instance.key } });
    expect(timers.map((t) => t.state)).to.deep.equal(['fired']);
    // the non-interrupting timer left the user task open
    const [task] = await engine.listUserTasks({ processInstanceKey: instance.key, state: 'created' });
    expect(task.elementId).to.equal('decide');
  });

  it('retries a failing job with backoff, then raises an incident an admin can retry', async () => {
    failPrepare = 1;
    const instance = await startReview('T-6');
    for (let i = 0; i < 40 && prepared.length === 0; i += 1) {
      await new Promise((r) => setTimeout(r, 25));
      await engine.idle();
    }
    expect(prepared).to.deep.equal(['T-6:fast']);

    failPrepare = 5;
    await engine.startInstance({ bpmnProcessId: 'review', variables: { ticket: 'T-7', reviewer: 'li', team: 'east', reminderAfter: 'PT1H' } });
    let incidents = await engine.listIncidents({ state: 'active' });
    for (let i = 0; i < 80 && incidents.length === 0; i += 1) {
      await new Promise((r) => setTimeout(r, 25));
      await engine.idle();
      incidents = await engine.listIncidents({ state: 'active' });
    }
    expect(incidents).to.have.length(1);
    expect(incidents[0].message).to.equal('prepare is down');
    expect(incidents[0].elementId).to.equal('prepare');
    failPrepare = 0;
    await engine.retryIncident(incidents[0].key);
    await engine.idle();
    expect(prepared).to.include('T-7:fast');
    expect(await engine.listIncidents({ state: 'active' })).to.have.length(0);
    expect(instance.state).to.equal('active');
  });

  it('refuses a job whose input does not fit the worker schema as an incident, not a crash', async () => {
    await engine.deploy([{ name: 'review.bpmn', content: reviewXml }]);
    await engine.startInstance({ bpmnProcessId: 'review', variables: { reviewer: 'li', team: 'east', reminderAfter: 'PT1H' } });
    await engine.idle();
    const incidents = await engine.listIncidents({ state: 'active' });
    expect(incidents).to.have.length(1);
    expect(incidents[0].message).to.match(/invalid input for test-prepare.*ticket/);
  });

  describe('deployments', () => {
    it('versions changed diagrams and lets running instances finish on their own version', async () => {
      const v1 = await engine.deploy([{ name: 'review.bpmn', content: reviewXml }]);
      expect(v1.processes[0].version).to.equal(1);
      const again = await engine.deploy([{ name: 'review.bpmn', content: reviewXml }]);
      expect(again.duplicate).to.equal(true);
      expect(again.processes[0].version).to.equal(1);
      const old = await engine.startInstance({ bpmnProcessId: 'review', variables: { ticket: 'A', reviewer: 'li', team: 'east', reminderAfter: 'PT1H' } });
      await engine.idle();

      const v2xml = reviewXml.replace('<bpmn:endEvent id="approved" />', '<bpmn:endEvent id="approved" name="Approved v2" />');
      const v2 = await engine.deploy([{ name: 'review.bpmn', content: v2xml }]);
      expect(v2.processes[0].version).to.equal(2);
      const fresh = await engine.startInstance({ bpmnProcessId: 'review', variables: { ticket: 'B', reviewer: 'li', team: 'east', reminderAfter: 'PT1H' } });
      expect(fresh.version).to.equal(2);
      const pinned = await engine.startInstance({ bpmnProcessId: 'review', version: 1, variables: { ticket: 'C', reviewer: 'li', team: 'east', reminderAfter: 'PT1H' } });
      expect(pinned.version).to.equal(1);
      await engine.idle();

      await engine.stop(); // force recovery from the database for the old instance
      engine = await newEngine();
      const [oldTask] = await engine.listUserTasks({ processInstanceKey: old.key, state: 'created' });
      expect(oldTask.processVersion).to.equal(1);
      await engine.completeUserTask(oldTask.key, { decision: 'yes' });
      expect((await engine.getInstance(old.key))).to.include({ state: 'completed', version: 1 });
      expect((await engine.listDefinitions('review')).map((d) => d.version)).to.deep.equal([1, 2]);
    });

    it('refuses malformed XML, no executable process, unknown task types and FEEL errors, naming the element', async () => {
      await expectDomainError(engine.deploy([{ name: 'x.bpmn', content: '<bpmn:definitions' }]), 'deploy.invalid', /not a BPMN 2.0 XML|malformed/);
      await expectDomainError(engine.deploy([{ name: 'x.bpmn', content: reviewXml.replace('isExecutable="true"', 'isExecutable="false"') }]), 'deploy.invalid', /no executable process/);
      await expectDomainError(engine.deploy([{ name: 'x.bpmn', content: reviewXml.replace('type="test-nudge"', 'type="nobody-serves-this"') }]), 'deploy.invalid', /<nudge>.*nobody-serves-this/);
      await expectDomainError(engine.deploy([{ name: 'x.bpmn', content: reviewXml.replace('=decision = "yes"', '=decision = ') }]), 'deploy.invalid', /<f5>.*FEEL/);
      await expectDomainError(engine.deploy([{ name: 'x.bpmn', content: reviewXml.replace('assignee="=reviewer"', 'assignee="=reviewer +"') }]), 'deploy.invalid', /assignee of <decide>/);
      await expectDomainError(engine.deploy([{ name: 'x.txt', content: reviewXml }]), 'deploy.invalid', /only \.bpmn/);
      await expectDomainError(engine.deploy([]), 'deploy.invalid');
      // nothing was half-deployed
      expect(await engine.listDefinitions()).to.have.length(0);
      await expectDomainError(engine.startInstance({ bpmnProcessId: 'review' }), 'process.not_found');
    });
  });

  it('runs many instances concurrently without mixing their transactions', async () => {
    await engine.deploy([{ name: 'review.bpmn', content: reviewXml }]);
    const instances = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      engine.startInstance({ bpmnProcessId: 'review', variables: { ticket: `C-${i}`, reviewer: 'li', team: 'east', reminderAfter: 'PT1H' } })));
    await engine.idle();
    const tasks = await engine.listUserTasks({ state: 'created' });
    expect(tasks).to.have.length(30);
    // complete every task twice at once: exactly one completion of each wins
    const results = await Promise.allSettled(tasks.flatMap((t) => [engine.completeUserTask(t.key, { decision: 'yes' }), engine.completeUserTask(t.key, { decision: 'yes' })]));
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(30);
    for (const r of results.filter((x) => x.status === 'rejected')) expect((r as PromiseRejectedResult).reason.code).to.equal('task.already_completed');
    for (const instance of instances) expect((await engine.getInstance(instance.key)).state).to.equal('completed');
    expect(prepared).to.have.length(30);
  });

  it('raises an incident for a saved state that cannot be recovered, and keeps the other cases going', async () => {
    const broken = await startReview('T-9');
    const healthy = await engine.startInstance({ bpmnProcessId: 'review', variables: { ticket: 'T-10', reviewer: 'li', team: 'east', reminderAfter: 'PT1H' } });
    await engine.idle();
    const saved = (await db.dataSource.getRepository(InstanceEntity).findOneOrFail({ where: { key: broken.key } })).engineState as string;
    await engine.stop(); // nothing in memory any more
    await db.dataSource.getRepository(InstanceEntity).update({ key: broken.key }, { engineState: saved.slice(0, 200) });
    engine = await newEngine();

    const [task] = await engine.listUserTasks({ processInstanceKey: broken.key, state: 'created' });
    await expectDomainError(engine.completeUserTask(task.key, { decision: 'yes' }), 'instance.unrecoverable', /cannot be recovered/);
    await expectDomainError(engine.completeUserTask(task.key, { decision: 'yes' }), 'instance.unrecoverable');
    const incidents = await engine.listIncidents({ state: 'active' });
    expect(incidents).to.have.length(1); // one per instance, however often it is tried
    expect(incidents[0]).to.include({ processInstanceKey: broken.key, jobKey: '', jobType: 'engine' });
    expect(incidents[0].message).to.match(/saved state .* cannot be recovered/);
    expect((await engine.getUserTask(task.key)).state).to.equal('created');

    // the other case moves on as if nothing happened
    const [other] = await engine.listUserTasks({ processInstanceKey: healthy.key, state: 'created' });
    await engine.completeUserTask(other.key, { decision: 'yes' });
    expect((await engine.getInstance(healthy.key)).state).to.equal('completed');

    // retrying while still broken keeps the incident open; once repaired, the case goes on
    await expectDomainError(engine.retryIncident(incidents[0].key), 'instance.unrecoverable');
    expect(await engine.listIncidents({ state: 'active' })).to.have.length(1);
    await db.dataSource.getRepository(InstanceEntity).update({ key: broken.key }, { engineState: saved });
    await engine.retryIncident(incidents[0].key);
    expect(await engine.listIncidents({ state: 'active' })).to.have.length(0);
    await engine.completeUserTask(task.key, { decision: 'yes' });
    expect((await engine.getInstance(broken.key)).state).to.equal('completed');
  });

  it('raises an incident per instance when its deployed definition no longer parses, and the server keeps running', async () => {
    const a = await startReview('T-11', { reminderAfter: 'PT0.2S' });
    const row = await db.dataSource.getRepository(InstanceEntity).findOneOrFail({ where: { key: a.key } });
    await engine.stop();
    await db.dataSource.query('UPDATE engine_definition SET xml = ? WHERE `key` = ?', ['<bpmn:definitions broken', row.definitionKey]);
    engine = await newEngine();
    // the reminder falls due: the scheduler tries the instance, raises the incident once, and goes on
    await (async () => {
      for (let i = 0; i < 200 && (await engine.listIncidents({ state: 'active' })).length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    })();
    const incidents = await engine.listIncidents({ state: 'active' });
    expect(incidents).to.have.length(1);
    expect(incidents[0].message).to.match(/cannot be recovered.*not a BPMN 2.0 XML/);
    await engine.idle();
    expect(await engine.listIncidents({ state: 'active' })).to.have.length(1);
  });

  it('keeps the instance row, tasks and jobs consistent in the database', async () => {
    const instance = await startReview('T-8');
    const row = await db.dataSource.getRepository(InstanceEntity).findOneOrFail({ where: { key: instance.key } });
    expect(row.revision).to.be.greaterThan(1);
    expect(row.engineState).to.be.a('string');
    expect(JSON.parse(row.engineState as string).definitions[0].source).to.equal(undefined);
    const jobs = await db.dataSource.getRepository(JobEntity).find({ where: { instanceKey: instance.key } });
    expect(jobs.map((j) => [j.elementId, j.state])).to.deep.equal([['prepare', 'completed']]);
  });
  it('sets variables on a running instance, committed with the caller\'s work, kept over a restart', async () => {
    const instance = await startReview('T-9');
    let seen: Record<string, unknown> | null = null;
    await engine.setVariables(instance.key, { location: { lng: 120.2, lat: 30.26 }, ticket: 'T-9b' }, {
      within: async (tx, variables) => {
        seen = variables;
        expect(await tx.getRepository(InstanceEntity).count({ where: { key: instance.key } })).to.equal(1);
      },
    });
    expect(seen).to.deep.include({ ticket: 'T-9b', prepared: true });
    expect(await engine.getVariables(instance.key)).to.deep.include({ location: { lng: 120.2, lat: 30.26 }, ticket: 'T-9b', prepared: true });
    // the caller's work fails: nothing is kept, in memory or in the database
    await engine.setVariables(instance.key, { ticket: 'lost' }, { within: async () => { throw new DomainError('conflict', 'caller failed'); } })
      .then(() => expect.fail('should throw'), (error: unknown) => expect((error as DomainError).code).to.equal('conflict'));
    expect((await engine.getVariables(instance.key)).ticket).to.equal('T-9b');
    // a restart recovers the instance with the variable, and it moves on with it
    await engine.stop();
    engine = await newEngine();
    const [task] = await engine.listUserTasks({ processInstanceKey: instance.key, state: 'created' });
    await engine.completeUserTask(task.key, { decision: 'yes' });
    expect(await engine.getVariables(instance.key)).to.deep.include({ location: { lng: 120.2, lat: 30.26 }, ticket: 'T-9b', decision: 'yes' });
    await expectDomainError(engine.setVariables(instance.key, { ticket: 'late' }), 'instance.not_found');
    await expectDomainError(engine.setVariables('no-such-instance', { ticket: 'x' }), 'instance.not_found');
  });
});
