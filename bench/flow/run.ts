/**
 * bench:flow — drives N complete enforcement cases (default 2,000; one loop in every fifth)
 * through all seven steps on the embedded engine with SQLite and every wait state committed,
 * with the platform's real workers and records. Prints cases/s, p50/p99 latency per step and
 * peak RSS; then runs the same diagram N times in bpmn-engine alone (in memory, nothing saved)
 * and prints the ratio, and how many times instances were rebuilt from the database.
 *   Usage: npm run bench:flow [-- N]   (BENCH_IN_FLIGHT=64 to drive more cases at once)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import { loadConfig } from '../../api/src/config.js';
import { createPlatform, processesDir } from '../../api/src/platform.js';
import { seedCaseCategories } from '../../test/support/categories.js';
import type { UserTask } from '../../engine/port.js';
import { elementBehaviours, parseDiagram, zeebeSchema } from '../../engine/embedded/diagram.js';
import { feelExpressions } from '../../engine/embedded/feel.js';
import { formDataFor, actorFor, type CaseScript } from '../../test/support/case-driver.js';
import { JobEntity } from '../../engine/embedded/entities.js';

const N = Number(process.argv[2] ?? process.env.BENCH_CASES ?? 2000);
/**
 * Cases driven at once. 12 fits the embedded engine's default in-memory set (ENGINE_CACHE_SIZE
 * 16) with the jobs that follow each step, so this measures the platform's work per step; with
 * more cases in flight than that, every user-task step also rebuilds its instance from the
 * database (7–10 ms each: `npm run bench:scale` measures that path, at random over 100,000).
 */
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 12);
const xml = fs.readFileSync(path.join(processesDir, 'enforcement-case.bpmn'), 'utf8');

const scriptFor = (i: number): CaseScript => ({ substantiated: true, failedRechecks: i % 5 === 4 ? 1 : 0 });

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

/** Results the workers would give, for the library-alone run. */
const fakeJobResults: Record<string, Record<string, unknown>> = {
  'sms-notify': { notified: true },
  'photo-verify': {},
  'unit-assign': { suggestedUnitId: 'U-TEST-01', unitCandidates: [], unitSuggestionReason: '', suggestedOfficer: 'officer1', officerCandidates: [] },
  archive: { archiveHash: 'x', archiveSeq: 1 },
};

async function libraryAlone(): Promise<number> {
  const { sourceContext, model } = await parseDiagram(xml, undefined);
  const started = performance.now();
  for (let i = 0; i < N; i += 1) {
    const script = scriptFor(i);
    const progress = { rechecksDone: 0, reviewsDone: 0 };
    const listener = new EventEmitter();
    const engine = new Engine({
      name: `bare-${i}`, sourceContext: sourceContext as never, moddleOptions: { zeebe: zeebeSchema }, elements: elementBehaviours,
      expressions: feelExpressions as never, Logger: (() => ({ debug() {}, error() {}, warn() {} })) as never,
    });
    const done = new Promise<void>((resolve, reject) => {
      engine.once('end', () => resolve());
      engine.once('error', reject);
    });
    listener.on('activity.wait', (api: { id: string; executionId: string; environment: { variables: Record<string, unknown> }; signal(m?: unknown): void }) => {
      const element = model.waits.get(api.id);
      const pv = (api.environment.variables.pv ?? {}) as Record<string, unknown>;
      let out: Record<string, unknown> = {};
      if (element?.kind === 'job') out = fakeJobResults[element.type] ?? {};
      if (element?.kind === 'userTask') {
        const task = { elementId: api.id } as UserTask;
        out = formDataFor(task, pv, script, progress);
        if (api.id === 'recheck') progress.rechecksDone += 1;
        if (api.id === 'reviewResult') progress.reviewsDone += 1;
      }
      api.environment.variables.pv = { ...pv, ...out };
      api.signal();
    });
    await engine.execute({ listener, variables: { pv: { caseId: `c-${i}`, caseNumber: `ZF-${i}`, category: 'street-vending', reporterPhone: '13800138000', location: { lng: 120.2, lat: 30.27 } } } } as never);
    await done;
  }
  const seconds = (performance.now() - started) / 1000;
  return N / seconds;
}

async function platformRun(): Promise<{ casesPerSecond: number; steps: Map<string, number[]>; jobs: Map<string, number[]> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-bench-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, SEED_DEMO: 'false', ENGINE_POLL_MS: '200', ENGINE_JOB_CONCURRENCY: '8', ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}) });
  const queue: UserTask[] = [];
  let wake: (() => void) | null = null;
  const platform = await createPlatform(config, {
    hooks: {
      async userTaskCreated({ task }) {
        queue.push(task);
        wake?.();
      },
    },
  });
  await seedCaseCategories(platform.units); // no demo district here: the one category the cases use
  const scripts = new Map<string, CaseScript>();
  const progress = new Map<string, { rechecksDone: number; reviewsDone: number }>();
  const steps = new Map<string, number[]>();
  let ended = 0;
  let startedCases = 0;
  const allEnded = new Promise<void>((resolve) => {
    const timer = setInterval(async () => {
      ended = await platform.dataSource.query(`SELECT COUNT(*) AS n FROM case_record WHERE status <> 'open'`).then((r: { n: number | string }[]) => Number(r[0].n));
      if (ended >= N) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
  });

  const started = performance.now();
  const starter = (async () => {
    while (startedCases < N) {
      const inFlight = startedCases - ended;
      if (inFlight >= IN_FLIGHT) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      const i = startedCases++;
      const row = await platform.cases.create({ source: 'hotline', category: 'street-vending', description: `第${i}号测试投诉：占道经营`, address: '城东区解放路', location: { lng: 120.2, lat: 30.27 }, reporterPhone: '13800138000' }, { username: 'dispatcher1' });
      scripts.set(row.processInstanceKey, scriptFor(i));
      progress.set(row.processInstanceKey, { rechecksDone: 0, reviewsDone: 0 });
    }
  })();

  const workers = Array.from({ length: 16 }, async () => {
    while (ended < N) {
      const task = queue.shift();
      if (!task) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 20);
        });
        continue;
      }
      const script = scripts.get(task.processInstanceKey);
      const prog = progress.get(task.processInstanceKey);
      if (!script || !prog) {
        queue.push(task);
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      const variables = await platform.engine.getVariables(task.processInstanceKey);
      const data = formDataFor(task, variables, script, prog);
      const actor = actorFor(task);
      const t0 = performance.now();
      if (!task.assignee) await platform.engine.claimUserTask(task.key, actor);
      await platform.engine.completeUserTask(task.key, data, { actor: { username: actor } });
      const list = steps.get(task.elementId) ?? [];
      list.push(performance.now() - t0);
      steps.set(task.elementId, list);
      if (task.elementId === 'recheck') prog.rechecksDone += 1;
      if (task.elementId === 'reviewResult') prog.reviewsDone += 1;
    }
  });
  await starter;
  await allEnded;
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(workers);
  const jobRows = await platform.dataSource.getRepository(JobEntity).find({ where: { state: 'completed' } });
  const jobs = new Map<string, number[]>();
  for (const job of jobRows) {
    const list = jobs.get(job.elementId) ?? [];
    list.push((job.completedAt as Date).getTime() - job.createdAt.getTime());
    jobs.set(job.elementId, list);
  }
  const store = (platform.engine as unknown as { store: { recoveries: number; cache: { heapFlushes: number } } }).store;
  console.log(`${IN_FLIGHT} cases in flight: instances rebuilt from the database ${store.recoveries} times (${(store.recoveries / N).toFixed(1)} per case), in-memory set halved by the heap budget ${store.cache.heapFlushes} times`);
  await platform.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  return { casesPerSecond: N / seconds, steps, jobs };
}

function printLatencies(title: string, map: Map<string, number[]>): void {
  console.log(`\n${title}`);
  console.log('step'.padEnd(22), 'count'.padStart(7), 'p50 ms'.padStart(9), 'p99 ms'.padStart(9));
  for (const [name, values] of map) {
    const sorted = [...values].sort((a, b) => a - b);
    console.log(name.padEnd(22), String(sorted.length).padStart(7), percentile(sorted, 50).toFixed(2).padStart(9), percentile(sorted, 99).toFixed(2).padStart(9));
  }
}

const main = async () => {
  console.log(`bench:flow — ${N} cases (a failed re-check loop in every fifth), ${os.cpus().length} cores, Node ${process.version}`);
  const platform = await platformRun();
  console.log(`\nplatform (embedded engine + SQLite, every wait state committed, real workers): ${platform.casesPerSecond.toFixed(1)} cases/s`);
  printLatencies('user-task completion latency (claim + complete, as the API would call it)', platform.steps);
  printLatencies('job latency (created → completed, queueing included)', platform.jobs);
  const platformRss = peakRss;
  if (process.env.BENCH_SKIP_BARE) {
    clearInterval(rssTimer);
    return; // profiling the platform alone
  }
  const bare = await libraryAlone();
  console.log(`\nbpmn-engine alone (same diagram, in memory, nothing saved): ${bare.toFixed(1)} cases/s`);
  console.log(`ratio platform / library alone: ${(platform.casesPerSecond / bare).toFixed(2)}`);
  console.log(`peak RSS: ${(platformRss / 1024 / 1024).toFixed(0)} MiB during the platform run, ${(peakRss / 1024 / 1024).toFixed(0)} MiB overall`);
  clearInterval(rssTimer);
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
