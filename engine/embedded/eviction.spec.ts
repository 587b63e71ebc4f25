/**
 * The embedded engine with almost nothing in memory behaves exactly as with everything in memory:
 * 50 interleaved instances of the review fixture through loops (back to the job), message
 * correlation, a non-interrupting timer firing from the database, jobs failing and retried,
 * an incident an admin retries, and a restart in the middle. The rows each run leaves, per
 * ticket, must be the same with 2 instances in memory and with 4,096.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { EmbeddedEngine } from './adapter.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { JobFailure, type Worker } from '../../workers/contract.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const reviewXml = fs.readFileSync(path.join(here, 'fixtures/review.bpmn'), 'utf8');
const INSTANCES = 50;

/** Decisions at each `decide` of instance i; every fifth waits for its reminder timer first. */
function decisionsFor(i: number): string[] {
  return [['yes'], ['again', 'yes'], ['more', 'yes'], ['again', 'more', 'again', 'yes'], ['yes']][i % 5];
}
const withTimer = (i: number) => i % 5 === 4;
/** This instance's prepare job fails until an admin retries its incident. */
const broken = (i: number) => i === 7 || i === 33;

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 2000; i += 1) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('embedded engine: eviction changes nothing (2 instances in memory vs 4,096)', function () {
  this.timeout(300_000);

  async function run(cacheSize: number): Promise<{ rows: Record<string, unknown>; recoveries: number }> {
    const db: TestDatabase = await createTestDatabase();
    const fixed = new Set<string>();
    const prepare: Worker<{ ticket: string }> = {
      type: 'test-prepare',
      inputSchema: { type: 'object', required: ['ticket'], properties: { ticket: { type: 'string' } } },
      async handle(variables, job) {
        const i = Number(variables.ticket.slice(2));
        if (broken(i) && !fixed.has(variables.ticket)) throw new JobFailure('准备服务不可用（测试）', 1);
        if (i % 3 === 0 && job.retries === 2) throw new JobFailure('第一次尝试失败（测试）', 1);
        return { prepared: true };
      },
    };
    const nudge: Worker<Record<string, never>> = { type: 'test-nudge', inputSchema: { type: 'object' }, handle: async () => ({ nudged: true }) };
    const newEngine = async () => {
      const engine = new EmbeddedEngine({ dataSource: db.dataSource, pollIntervalMs: 10, cacheSize, cacheHeapBytes: 64 * 1024 ** 3, onError: () => {} });
      engine.registerWorker(prepare as Worker<never>);
      engine.registerWorker(nudge as Worker<never>);
      await engine.start();
      return engine;
    };
    let engine = await newEngine();
    let recoveries = 0;
    try {
      await engine.deploy([{ name: 'review.bpmn', content: reviewXml }]);
      const keys: string[] = [];
      for (let i = 0; i < INSTANCES; i += 1) {
        const ticket = `T-${i}`;
        const instance = await engine.startInstance({ bpmnProcessId: 'review', businessKey: ticket, variables: { ticket, reviewer: 'li', team: 'east', reminderAfter: withTimer(i) ? 'PT0.05S' : 'PT1H' } });
        keys.push(instance.key);
      }
      const done = new Array<number>(INSTANCES).fill(0);
      for (let round = 0; ; round += 1) {
        if (round === 2) {
          recoveries += engine.store.recoveries;
          await engine.stop();
          engine = await newEngine();
        }
        await engine.idle();
        let active = 0;
        for (let i = 0; i < INSTANCES; i += 1) {
          const key = keys[i];
          if ((await engine.getInstance(key)).state !== 'active') continue;
          active += 1;
          const incident = (await engine.listIncidents({ state: 'active' })).find((x) => x.processInstanceKey === key);
          if (incident) {
            fixed.add(`T-${i}`);
            await engine.retryIncident(incident.key);
            continue;
          }
          const [task] = await engine.listUserTasks({ processInstanceKey: key, state: 'created' });
          if (!task) {
            const correlated = await engine.publishMessage({ name: 'more-info', correlationKey: `T-${i}`, variables: { info: `补充材料${i}` } });
            if (correlated.correlated === 0) await waitFor(async () => (await engine.listUserTasks({ processInstanceKey: key, state: 'created' })).length > 0 || (await engine.getInstance(key)).state !== 'active', `T-${i} to wait again`);
            continue;
          }
          if (withTimer(i)) await waitFor(async () => (await engine.getVariables(key)).nudged === true, `the reminder of T-${i}`);
          await engine.completeUserTask(task.key, { decision: decisionsFor(i)[done[i]] });
          done[i] += 1;
        }
        if (active === 0) break;
        if (round > 40) throw new Error('the instances did not end');
      }
      await engine.idle();
      recoveries += engine.store.recoveries;
      const rows: Record<string, unknown> = {};
      for (let i = 0; i < INSTANCES; i += 1) {
        const key = keys[i];
        const q = (sql: string) => db.dataSource.query(sql, [key]) as Promise<unknown[]>;
        rows[`T-${i}`] = {
          instance: await q('SELECT state, end_element_id, variables FROM engine_instance WHERE `key` = ?'),
          tasks: await q('SELECT element_id, state, assignee, candidate_groups FROM engine_user_task WHERE instance_key = ? ORDER BY element_id, state'),
          jobs: await q('SELECT element_id, state, retries, attempts FROM engine_job WHERE instance_key = ? ORDER BY element_id, state, retries, attempts'),
          timers: await q('SELECT element_id, state FROM engine_timer WHERE instance_key = ? ORDER BY state'),
          messages: await q('SELECT message_name, correlation_key, state FROM engine_message_subscription WHERE instance_key = ? ORDER BY state'),
          incidents: await q('SELECT element_id, job_type, message, state FROM engine_incident WHERE instance_key = ? ORDER BY state'),
        };
      }
      return { rows, recoveries };
    } finally {
      await engine.stop();
      await db.drop();
    }
  }

  it('leaves the same rows for every instance through loops, messages, timers, retries, incidents and a restart', async () => {
    const small = await run(2);
    const large = await run(4096);
    expect(small.recoveries).to.be.greaterThan(INSTANCES * 3);
    expect(large.recoveries).to.be.at.most(INSTANCES);
    for (const ticket of Object.keys(large.rows)) expect(small.rows[ticket], ticket).to.deep.equal(large.rows[ticket]);
    // and every path was taken
    const all = Object.values(large.rows) as { instance: { state: string }[]; timers: { state: string }[]; messages: { state: string }[]; incidents: unknown[] }[];
    expect(all.every((r) => r.instance[0].state === 'completed')).to.equal(true);
    expect(all.filter((r) => r.timers.some((t) => t.state === 'fired'))).to.have.length(INSTANCES / 5);
    expect(all.filter((r) => r.messages.some((m) => m.state === 'correlated'))).to.have.length((INSTANCES * 2) / 5);
    expect(all.filter((r) => r.incidents.length > 0)).to.have.length(2);
  });
});
