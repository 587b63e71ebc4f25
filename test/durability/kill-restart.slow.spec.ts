/**
 * Crash test: a child process works many cases; this test kills it with SIGKILL at random
 * moments and restarts it until every case has ended. Then the records must show every case
 * finished on its scripted path — no task lost, none duplicated, no job's side effect twice.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { openDatabase } from '../../storage/data-source.js';
import { createTestDatabaseUrl } from '../support/database.js';
import { CaseEntity, CaseEventEntity } from '../../cases/entities.js';
import { TaskEntity } from '../../tasks/entities.js';
import { JobEntity, UserTaskEntity } from '../../engine/embedded/entities.js';
import { ArchiveEntryEntity } from '../../archive/entities.js';
import { createArchive } from '../../archive/store.js';
import { expectedJobCounts, expectedTaskCounts } from '../support/case-driver.js';
import { scriptForCase } from './scripts.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CASES = 24;

function runChild(databaseUrl: string, killAfterReadyMs: number | null): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/durability/child.ts', databaseUrl, String(CASES)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (killAfterReadyMs !== null && out.includes('ready')) {
        killAfterReadyMs = null;
        // soon enough that a fast machine is killed several times before it finishes the cases
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 500);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

describe('crash safety (SIGKILL at random points, restart, resume)', function () {
  this.timeout(600_000);

  it('finishes every case exactly once across repeated kills', async () => {
    const { url, cleanup } = await createTestDatabaseUrl();
    try {
      let kills = 0;
      let finished = false;
      for (let run = 0; run < 60 && !finished; run += 1) {
        const result = await runChild(url, run < 45 ? 0 : null);
        if (result.signal === 'SIGKILL') {
          kills += 1;
          continue;
        }
        expect(result.code, result.out).to.equal(0);
        finished = result.out.includes('done');
      }
      expect(finished, 'the child finished all cases').to.equal(true);
      expect(kills).to.be.greaterThan(5);

      const ds = await openDatabase({ url });
      try {
        const cases = await ds.getRepository(CaseEntity).find();
        expect(cases).to.have.length(CASES);
        const numbers = new Set(cases.map((c) => c.number));
        expect(numbers.size).to.equal(CASES);
        for (const c of cases) {
          const script = scriptForCase(c.description);
          expect(c.status, c.number).to.equal(script.substantiated ? 'closed' : 'dismissed');
          const tasks = await ds.getRepository(TaskEntity).find({ where: { caseId: c.id } });
          const byElement: Record<string, number> = {};
          for (const t of tasks) byElement[t.elementId] = (byElement[t.elementId] ?? 0) + 1;
          expect(byElement, `${c.number} tasks`).to.deep.equal(expectedTaskCounts(script));
          expect(tasks.every((t) => t.state === 'completed'), `${c.number} all tasks completed`).to.equal(true);
          const engineTasks = await ds.getRepository(UserTaskEntity).count({ where: { instanceKey: c.processInstanceKey } });
          expect(engineTasks, `${c.number} engine tasks = records`).to.equal(tasks.length);
          const jobs = await ds.getRepository(JobEntity).find({ where: { instanceKey: c.processInstanceKey } });
          const jobsByElement: Record<string, number> = {};
          for (const j of jobs) {
            expect(j.state, `${c.number} ${j.elementId}`).to.equal('completed');
            jobsByElement[j.elementId] = (jobsByElement[j.elementId] ?? 0) + 1;
          }
          expect(jobsByElement, `${c.number} jobs`).to.deep.equal(expectedJobCounts(script));
          const completedEvents = await ds.getRepository(CaseEventEntity).count({ where: { caseId: c.id, type: 'task.completed' } });
          expect(completedEvents, `${c.number} one completion event per task`).to.equal(tasks.length);
          expect(await ds.getRepository(ArchiveEntryEntity).count({ where: { caseId: c.id } }), `${c.number} archived once`).to.equal(1);
        }
        const smsPerCase = await ds.query(`SELECT case_id, COUNT(*) AS n FROM sms_outbox GROUP BY case_id`) as { case_id: string; n: number | string }[];
        for (const row of smsPerCase) {
          const c = cases.find((x) => x.id === row.case_id);
          // acknowledgement + the result: two messages per case, whatever the kills
          expect(Number(row.n), `SMS to the reporter of ${c?.number}`).to.equal(2);
        }
        expect(smsPerCase).to.have.length(CASES);
        const verification = await createArchive({ dataSource: ds }).verify();
        expect(verification.ok, JSON.stringify(verification.problems)).to.equal(true);
        console.log(`      ${kills} kills, ${CASES} cases finished`);
      } finally {
        await ds.destroy();
      }
    } finally {
      await cleanup();
    }
  });
});
