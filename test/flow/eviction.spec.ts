/**
 * Bounded memory must not change what happens. 50 enforcement cases run interleaved through
 * every path of the diagram (dismissed, fixed at once, failed re-checks looping back, the unit
 * returning the officer's report), with jobs that fail and are retried, and a restart in the
 * middle — once with 2 instances in memory (almost every action rebuilds its instance from the
 * database) and once with 4,096 (nothing is ever evicted). Both runs must leave exactly the same
 * case records, task records, timeline, SMS and archive entries.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../api/src/config.js';
import { createPlatform, type Platform } from '../../api/src/platform.js';
import { seedCaseCategories } from '../support/categories.js';
import type { EmbeddedEngine } from '../../engine/embedded/adapter.js';
import { JobFailure, type Worker } from '../../workers/contract.js';
import { createTestDatabaseUrl } from '../support/database.js';
import { driveToEnd, type CaseScript } from '../support/case-driver.js';

const CASES = 50;

function scriptFor(i: number): CaseScript {
  switch (i % 5) {
    case 0: return { substantiated: false, failedRechecks: 0 };
    case 1: return { substantiated: true, failedRechecks: 0 };
    case 2: return { substantiated: true, failedRechecks: 1 };
    case 3: return { substantiated: true, failedRechecks: 2, returnsFromReview: 1 };
    default: return { substantiated: true, failedRechecks: 0, returnsFromReview: 2 };
  }
}

/** Every worker, except that the first attempt of each job of every third case fails (retried after 1 ms; the diagram gives every job 3 retries). */
function flaky(workers: Worker<never>[]): Worker<never>[] {
  return workers.map((worker) => ({
    ...worker,
    async handle(variables: never, job) {
      const caseNumber = String((variables as { caseNumber?: string }).caseNumber ?? '');
      const index = Number(caseNumber.slice(-4)) - 1;
      if (index % 3 === 0 && job.retries === 3) throw new JobFailure(`第一次尝试失败（测试）: ${job.elementId}`, 1);
      return worker.handle(variables, job);
    },
  }) as Worker<never>);
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const hex64 = /^[0-9a-f]{64}$/;
/**
 * Fields that differ between two identical runs by construction: clocks, database sequences
 * shared by all cases (whose order depends on how the cases interleave), and SMS concatenation
 * references. Ids are kept as placeholders, so their presence still counts.
 */
const runSpecific = /^(id|seq|at|archiveSeq|smsId|concat_ref|attempts|.*_at|.*At)$/;

function normalizedValue(value: unknown): unknown {
  if (typeof value === 'string') {
    if (uuid.test(value) || /^sms-notify:/.test(value)) return '<id>';
    if (hex64.test(value)) return '<hash>';
    if (/^[[{]/.test(value)) {
      try {
        return normalizedValue(JSON.parse(value));
      } catch {
        return value;
      }
    }
    return value;
  }
  if (Array.isArray(value)) return value.map(normalizedValue);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) if (!runSpecific.test(key)) out[key] = normalizedValue((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

function normalized(row: Record<string, unknown>): string {
  return JSON.stringify(normalizedValue(row));
}

type Records = Record<string, Record<string, string[]>>;

/** The run's records per case number and table, each row without its run-specific fields, sorted. */
async function recordsOf(platform: Platform): Promise<Records> {
  const q = (sql: string) => platform.dataSource.query(sql) as Promise<Record<string, unknown>[]>;
  const numbers = new Map((await q('SELECT id, number FROM case_record')).map((r) => [String(r.id), String(r.number)]));
  const out: Records = {};
  const add = (table: string, caseNumber: string, row: Record<string, unknown>) => {
    const byTable = (out[caseNumber] ??= {});
    (byTable[table] ??= []).push(normalized(row));
  };
  for (const row of await q('SELECT * FROM case_record')) add('case_record', String(row.number), row);
  for (const table of ['task_record', 'case_event', 'sms_outbox']) {
    for (const row of await q(`SELECT * FROM ${table}`)) if (row.case_id) add(table, numbers.get(String(row.case_id)) ?? 'none', row);
  }
  for (const row of await q('SELECT * FROM archive_entry')) add('archive_entry', String(row.case_number), row);
  for (const row of await q('SELECT j.element_id, j.state, j.retries, c.number FROM engine_job j JOIN case_record c ON c.process_instance_key = j.instance_key')) {
    add('engine_job', String(row.number), row);
  }
  for (const tables of Object.values(out)) for (const rows of Object.values(tables)) rows.sort();
  return out;
}

describe('bounded memory: the same records with 2 instances in memory as with 4,096', function () {
  this.timeout(600_000);

  async function run(cacheSize: number): Promise<{ records: Records; recoveries: number }> {
    const db = await createTestDatabaseUrl();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-evict-'));
    const config = loadConfig({
      NODE_ENV: 'test', DATABASE_URL: db.url, DATA_DIR: dataDir, SEED_DEMO: 'false', ENGINE_POLL_MS: '20', ENGINE_CACHE_SIZE: String(cacheSize),
      ENGINE_CACHE_HEAP_MB: cacheSize > CASES ? '65536' : '256', // the large run must never drop an instance
    });
    let platform = await createPlatform(config, { workers: flaky });
    await seedCaseCategories(platform.units);
    let recoveries = 0;
    try {
      const scripts = new Map<string, CaseScript>();
      for (let i = 0; i < CASES; i += 1) {
        const created = await platform.cases.create({
          source: 'hotline', category: 'street-vending', description: `第${i + 1}号投诉：解放路菜场门口占道经营`, address: '城东区解放路 88 号',
          location: { lng: 120.2105, lat: 30.2741 }, reporterPhone: `1380013${String(8000 + i)}`,
        }, { username: 'dispatcher1' });
        scripts.set(created.processInstanceKey, scriptFor(i));
      }
      // half way: a few interleaved rounds, then a restart with every instance in the database only
      await driveToEnd(platform.engine, scripts, CASES * 3).catch((error: Error) => {
        if (!/did not end within/.test(error.message)) throw error;
      });
      recoveries += (platform.engine as EmbeddedEngine).store.recoveries;
      await platform.stop();
      platform = await createPlatform(config, { workers: flaky });
      await driveToEnd(platform.engine, scripts);
      await platform.engine.idle();
      recoveries += (platform.engine as EmbeddedEngine).store.recoveries;
      return { records: await recordsOf(platform), recoveries };
    } finally {
      await platform.stop();
      await db.cleanup();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }

  it('runs 50 interleaved cases through every path, with retries and a restart, identically', async () => {
    const small = await run(2);
    const large = await run(4096);
    expect(Object.keys(small.records)).to.have.length(CASES);
    // the small set really rebuilt instances from the database at nearly every step; the large
    // one only after the restart: once for each case, and once more where a rebuilt case then
    // waited for a person (an instance rebuilt for one action and handing no job on is not kept)
    expect(small.recoveries).to.be.greaterThan(CASES * 5);
    expect(large.recoveries).to.be.at.most(CASES * 2);
    expect(small.recoveries).to.be.greaterThan(large.recoveries * 3);
    for (const number of Object.keys(large.records).sort()) {
      expect(small.records[number], `records of case ${number}`).to.deep.equal(large.records[number]);
    }
    expect(Object.keys(small.records).sort()).to.deep.equal(Object.keys(large.records).sort());
    // and the scripts were really walked: every path ended, with the retries on record
    const statuses = Object.values(large.records).map((t) => JSON.parse(t.case_record[0]).status as string).sort();
    expect(statuses.filter((s) => s === 'dismissed')).to.have.length(CASES / 5);
    expect(statuses.filter((s) => s === 'closed')).to.have.length((CASES * 4) / 5);
    expect(Object.values(large.records).every((t) => t.archive_entry?.length === 1)).to.equal(true);
  });
});
