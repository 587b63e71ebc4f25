/**
 * The seven-step case through the engine port with the platform's real workers and records:
 * every path of the diagram, the loop count, the archive and the SMS to the reporter, and a
 * new diagram version deployed while cases of the old one are running.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../api/src/config.js';
import { createPlatform, processesDir, type Platform } from '../../api/src/platform.js';
import { seedCaseCategories } from '../support/categories.js';
import { createTestDatabaseUrl } from '../support/database.js';
import { driveToEnd, expectedJobCounts, expectedTaskCounts, type CaseScript } from '../support/case-driver.js';
import { TaskEntity } from '../../tasks/entities.js';
import { CaseEventEntity, type CaseRow } from '../../cases/entities.js';
import { JobEntity } from '../../engine/embedded/entities.js';

describe('enforcement case flow (embedded engine, real workers, case records)', function () {
  this.timeout(60_000);
  let platform: Platform;
  let cleanup: () => Promise<void>;
  let dataDir: string;

  beforeEach(async () => {
    const db = await createTestDatabaseUrl();
    cleanup = db.cleanup;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-flow-'));
    platform = await createPlatform(loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, DATA_DIR: dataDir, SEED_DEMO: 'false', ENGINE_POLL_MS: '50' }));
    await seedCaseCategories(platform.units);
  });

  afterEach(async () => {
    await platform.stop();
    await cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function runCase(script: CaseScript, input: Partial<Parameters<Platform['cases']['create']>[0] & object> = {}): Promise<CaseRow> {
    const created = await platform.cases.create({
      source: 'hotline', category: 'street-vending', description: '解放路菜场门口有流动摊贩占道经营', address: '城东区解放路 88 号',
      location: { lng: 120.2105, lat: 30.2741 }, reporterPhone: '13800138000', ...input,
    }, { username: 'dispatcher1' });
    expect(created.number).to.match(/^ZF-\d{8}-\d{4}$/);
    await driveToEnd(platform.engine, new Map([[created.processInstanceKey, script]]));
    return platform.cases.get(created.id);
  }

  async function tasksOf(row: CaseRow) {
    return platform.dataSource.getRepository(TaskEntity).find({ where: { caseId: row.id }, order: { createdAt: 'ASC' } });
  }

  function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
    return out;
  }

  it('not substantiated → the reporter is told and the case is archived as dismissed', async () => {
    const script = { substantiated: false, failedRechecks: 0 };
    const row = await runCase(script);
    expect(row.status).to.equal('dismissed');
    expect(row.rounds).to.equal(0);
    expect(row.closedAt).to.be.instanceOf(Date);
    expect(countBy(await tasksOf(row), (t) => t.elementId)).to.deep.equal(expectedTaskCounts(script));
    const verify = (await tasksOf(row)).find((t) => t.elementId === 'verifyReport');
    expect(verify?.completedBy).to.equal('inspector1');
    expect(verify?.formData).to.include({ verification: 'unsubstantiated' });
    const entry = await platform.archive.get(row.id);
    expect(entry?.outcome).to.equal('dismissed');
    const sms = await platform.dataSource.query('SELECT text FROM sms_outbox WHERE case_id = ? ORDER BY id', [row.id]) as { text: string }[];
    expect(sms.map((m) => m.text)).to.have.length(2);
    expect(sms[0].text).to.include(row.number).and.include('受理');
    expect(sms[1].text).to.include(row.number).and.include('不属实');
  });

  it('substantiated and fixed at the first re-check → closed after one round', async () => {
    const script = { substantiated: true, failedRechecks: 0 };
    const row = await runCase(script);
    expect(row.status).to.equal('closed');
    expect(row.rounds).to.equal(1);
    expect(row.inspector).to.equal('inspector1');
    const tasks = await tasksOf(row);
    expect(countBy(tasks, (t) => t.elementId)).to.deep.equal(expectedTaskCounts(script));
    expect(tasks.map((t) => t.elementId)).to.deep.equal(['assignInspector', 'verifyReport', 'dispatchToUnit', 'assignOfficer', 'enforce', 'reviewResult', 'assignRecheck', 'recheck']);
    expect(tasks.every((t) => t.state === 'completed' && t.completedBy)).to.equal(true);
    const jobs = await platform.dataSource.getRepository(JobEntity).find({ where: { instanceKey: row.processInstanceKey } });
    expect(countBy(jobs, (j) => j.elementId)).to.deep.equal(expectedJobCounts(script));
    const timeline = await platform.dataSource.getRepository(CaseEventEntity).find({ where: { caseId: row.id }, order: { id: 'ASC' } });
    expect(timeline[0].type).to.equal('case.created');
    expect(timeline[timeline.length - 1].type).to.equal('case.closed');
    expect(timeline.filter((e) => e.type === 'task.completed').map((e) => e.actor)).to.deep.equal(['dispatcher1', 'inspector1', 'dispatcher1', 'lead1', 'officer1', 'lead1', 'dispatcher1', 'inspector2']);
    const entry = await platform.archive.get(row.id);
    expect(entry?.outcome).to.equal('resolved');
    expect(JSON.parse(entry?.content ?? '{}').processVersion).to.equal(1);
    expect((await platform.archive.verify()).ok).to.equal(true);
    const sms = await platform.dataSource.query('SELECT text FROM sms_outbox WHERE case_id = ? ORDER BY id', [row.id]) as { text: string }[];
    expect(sms[1].text).to.include('已处理完毕');
  });

  it('re-check fails twice → loops back to dispatch twice, the rounds are recorded, then closes', async () => {
    const script = { substantiated: true, failedRechecks: 2, returnsFromReview: 1 };
    const row = await runCase(script);
    expect(row.status).to.equal('closed');
    expect(row.rounds).to.equal(3);
    const tasks = await tasksOf(row);
    expect(countBy(tasks, (t) => t.elementId)).to.deep.equal(expectedTaskCounts(script));
    expect(countBy(tasks.filter((t) => t.elementId === 'recheck'), (t) => String(t.round))).to.deep.equal({ 1: 1, 2: 1, 3: 1 });
    const rechecks = tasks.filter((t) => t.elementId === 'recheck').map((t) => (t.formData as { recheckResult: string }).recheckResult);
    expect(rechecks).to.deep.equal(['not_fixed', 'not_fixed', 'fixed']);
    const content = JSON.parse((await platform.archive.get(row.id))?.content ?? '{}');
    expect(content.case.rounds).to.equal(3);
  });

  it('a new diagram version deployed mid-flight: running cases finish on their version, new ones start on it', async () => {
    const old = await platform.cases.create({ source: 'web', category: 'illegal-posting', description: '电线杆上乱张贴小广告', address: '城东区建国路', reporterPhone: null }, { username: 'dispatcher1' });
    await platform.engine.idle();
    const xml = fs.readFileSync(path.join(processesDir, 'enforcement-case.bpmn'), 'utf8').replace('name="结案"', 'name="结案（第二版）"');
    const deployed = await platform.engine.deploy([{ name: 'enforcement-case.bpmn', content: xml }]);
    expect(deployed.processes[0].version).to.equal(2);
    const fresh = await platform.cases.create({ source: 'web', category: 'illegal-posting', description: '公交站台乱张贴', address: '城东区建国路', reporterPhone: null }, { username: 'dispatcher1' });
    expect(fresh.processVersion).to.equal(2);
    await driveToEnd(platform.engine, new Map([[old.processInstanceKey, { substantiated: true, failedRechecks: 1 }], [fresh.processInstanceKey, { substantiated: true, failedRechecks: 0 }]]));
    const oldRow = await platform.cases.get(old.id);
    expect(oldRow).to.include({ status: 'closed', processVersion: 1, rounds: 2 });
    expect((await platform.engine.getInstance(old.processInstanceKey)).version).to.equal(1);
    const oldTasks = await platform.engine.listUserTasks({ processInstanceKey: old.processInstanceKey });
    expect(new Set(oldTasks.map((t) => t.processVersion))).to.deep.equal(new Set([1]));
    expect((await platform.cases.get(fresh.id)).status).to.equal('closed');
  });

  it('refuses a case with bad input and writes nothing', async () => {
    for (const bad of [
      {},
      { source: 'tv', category: 'street-vending', description: 'x', address: 'y' },
      { source: 'web', category: 'street-vending', description: '   ', address: 'y' },
      { source: 'web', category: 'street-vending', description: 'x', address: 'y', location: { lng: 200, lat: 30 } },
      { source: 'web', category: 'street-vending', description: 'x', address: 'y', extra: 1 },
      { source: 'web', category: 'street-vending', description: 'x', address: 'y', reporterPhone: 'not-a-phone' },
    ]) {
      try {
        await platform.cases.create(bad, { username: 'dispatcher1' });
        expect.fail(`accepted ${JSON.stringify(bad)}`);
      } catch (error) {
        expect((error as { code?: string }).code, JSON.stringify(bad)).to.equal('request.invalid');
      }
    }
    expect(await platform.dataSource.getRepository('Case').count()).to.equal(0);
    expect(await platform.engine.listUserTasks()).to.have.length(0);
  });
});
