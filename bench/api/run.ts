/**
 * bench:api — fills a database with N closed cases (default 1,000,000) and 10,000 open tasks,
 * starts the real HTTP server on it, and measures 待办, 已办, 办结 and a Chinese free-text 案件查询
 * under 32 concurrent clients on loopback (autocannon): p50 / p99 latency and requests/s.
 *   npm run bench:api -- [--cases N] [--open N] [--db sqlite|mysql] [--seconds S] [--keep-sqlite FILE] [--keep-mysql NAME]
 * `--db mysql` uses TEST_DATABASE_URL (default mysql://root@127.0.0.1:3306) and a fresh database.
 * `--keep-sqlite FILE` seeds that SQLite file and keeps it, or measures it again if it exists
 * (seeding 1M cases takes ~13 minutes; the measurements take two); `--keep-mysql NAME` does the
 * same with that MariaDB database (~7 minutes for 1M).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../../api/src/config.js';
import { startServer } from '../../api/src/server.js';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../storage/data-source.js';
import { analyze, deferIndexes, finishBulkGrams, insertBulkCases } from '../../test/support/bulk-cases.js';
import { connectToServer, createTestDatabaseUrl } from '../../test/support/database.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const cases = Number(args.get('cases') ?? 1_000_000);
const open = Number(args.get('open') ?? 10_000);
const kind = args.get('db') ?? 'sqlite';
const seconds = Number(args.get('seconds') ?? 10);
const keptFile = args.get('keep-sqlite');
const keptDatabase = args.get('keep-mysql');
const password = 'Bench#2026pass';

let restoreServer = async () => {};

/** Fills the database: `cases` closed cases and `open` open tasks, grams indexed, statistics analysed. */
/**
 * MariaDB's packaged default buffer pool (128 MB) holds a small part of 1M cases: loading and
 * reading them would be random disk reads. A production server is sized for its data; so is
 * this one, for the run, and put back afterwards (restoreServer).
 */
async function sizeServer(ds: DataSource, url: string): Promise<void> {
  const [before] = await ds.query('SELECT @@innodb_buffer_pool_size AS pool, @@innodb_flush_log_at_trx_commit AS flush') as { pool: number | string; flush: number | string }[];
  const pool = Math.max(Number(before.pool), 4 * 1024 ** 3);
  await ds.query(`SET GLOBAL innodb_buffer_pool_size = ${pool}`);
  await ds.query('SET GLOBAL innodb_flush_log_at_trx_commit = 2');
  console.log(`  MariaDB buffer pool ${(Number(before.pool) / 1024 ** 2).toFixed(0)} MB → ${(pool / 1024 ** 2).toFixed(0)} MB for the run`);
  restoreServer = async () => {
    const admin = await openDatabase({ url });
    await admin.query(`SET GLOBAL innodb_flush_log_at_trx_commit = ${Number(before.flush)}`);
    await admin.query(`SET GLOBAL innodb_buffer_pool_size = ${Number(before.pool)}`);
    await admin.destroy();
  };
}

/** Fills the database: `cases` closed cases and `open` open tasks, grams indexed, statistics analysed. */
async function seed(db: { url: string; kind: 'sqlite' | 'mysql' }): Promise<void> {
  const seedStart = performance.now();
  const ds = await openDatabase({ url: db.url });
  let rebuildIndexes = async () => {};
  if (db.kind === 'mysql') {
    console.log('  secondary indexes built after loading');
    rebuildIndexes = await deferIndexes(ds, ['case_record', 'task_record', 'task_candidate']);
  }
  let last = 0;
  await insertBulkCases(ds, {
    cases, openCases: open, batch: 1000, stageGrams: true,
    onProgress: (done) => {
      if (done - last >= 100_000 || done === cases) {
        last = done;
        console.log(`  seeded ${done.toLocaleString()} cases (${((performance.now() - seedStart) / 1000).toFixed(0)} s)`);
      }
    },
  });
  console.log(`  indexing the search grams (${((performance.now() - seedStart) / 1000).toFixed(0)} s)`);
  await finishBulkGrams(ds);
  await rebuildIndexes();
  await analyze(ds);
  await ds.destroy();
  console.log(`seeding took ${((performance.now() - seedStart) / 1000).toFixed(0)} s`);
  if (db.kind === 'sqlite') {
    // let the operating system write the seeded file back before measuring, so the first
    // lists do not share the disk and CPU with the writeback of 13 minutes of inserts
    const settle = await openDatabase({ url: db.url });
    await settle.query('PRAGMA wal_checkpoint(TRUNCATE)');
    await settle.destroy();
    const fd = fs.openSync(db.url.replace(/^sqlite:/, ''), 'r+');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  }
}

async function main(): Promise<void> {
  if (kind === 'mysql') process.env.TEST_DATABASE_URL ||= 'mysql://root@127.0.0.1:3306';
  else delete process.env.TEST_DATABASE_URL;
  let reuse = kind !== 'mysql' && keptFile !== undefined && fs.existsSync(keptFile);
  let db: { url: string; kind: 'sqlite' | 'mysql'; cleanup(): Promise<void> };
  if (kind !== 'mysql' && keptFile) db = { url: `sqlite:${path.resolve(keptFile)}`, kind: 'sqlite', cleanup: async () => {} };
  else if (kind === 'mysql' && keptDatabase) {
    if (!/^\w+$/.test(keptDatabase)) throw new Error(`--keep-mysql ${keptDatabase}: use letters, digits and _`);
    const url = new URL(process.env.TEST_DATABASE_URL as string);
    const admin = await connectToServer(url.toString());
    const [found] = await admin.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [keptDatabase, 'case_record']) as unknown as [{ n: number }[]];
    reuse = Number(found[0].n) > 0;
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${keptDatabase}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    url.pathname = `/${keptDatabase}`;
    db = { url: url.toString(), kind: 'mysql', cleanup: async () => {} };
  } else db = await createTestDatabaseUrl();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-bench-api-'));
  console.log(`bench:api — ${cases.toLocaleString()} cases (${open.toLocaleString()} open) on ${db.kind}, 32 clients, ${seconds} s per list`);
  try {
    if (db.kind === 'mysql') {
      const ds = await openDatabase({ url: db.url });
      await sizeServer(ds, db.url);
      await ds.destroy();
    }
    if (!reuse) await seed(db);
    else console.log(`  measuring ${keptFile ?? keptDatabase} as it is (seeded by an earlier run)`);

    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: db.url, DATA_DIR: dataDir, PORT: '0', SEED_DEMO: 'true', SMPP_URL: 'smpp://paidan:secret@127.0.0.1:9', COOKIE_SECURE: 'false' });
    const server = await startServer(config);
    await server.identity.seedAccounts([
      { username: 'dispatcher3', displayName: '坐席', mobile: '13700000003', role: 'dispatcher', unitId: null, password },
      { username: 'officer7', displayName: '队员', mobile: '13700000007', role: 'officer', unitId: 'U-JD-01', password },
    ]);
    const token = async (username: string) => {
      const response = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      const body = await response.json() as { accessToken?: string };
      if (!body.accessToken) throw new Error(`sign-in failed: ${JSON.stringify(body)}`);
      return body.accessToken;
    };
    const dispatcher = await token('dispatcher3');
    const officer = await token('officer7');
    const targets: [string, string, string][] = [
      ['待办 todo (dispatcher: group-offered tasks)', '/api/tasks?view=todo', dispatcher],
      ['待办 todo (officer: assigned tasks)', '/api/tasks?view=todo', officer],
      ['已办 done (dispatcher)', '/api/tasks?view=done', dispatcher],
      ['办结 closed (dispatcher)', '/api/tasks?view=closed', dispatcher],
      ['案件查询 free text 占道经营', `/api/cases?q=${encodeURIComponent('占道经营')}`, dispatcher],
      ['案件查询 free text 凤起路 绿化', `/api/cases?q=${encodeURIComponent('凤起路绿化带')}`, dispatcher],
      ['案件查询 by phone', '/api/cases?reporterPhone=13800012345', dispatcher],
    ];
    // The lists are reused until the database changes (tasks/list-cache.ts): the rows marked
    // "writes/s" change the dispatcher's 待办 (one offered task closed and reopened) that often
    // while the list is measured, so part of the requests read afresh.
    const [{ task_id: churned }] = await server.platform.dataSource.query("SELECT task_id FROM task_candidate WHERE candidate = 'group:dispatcher' AND open = 1 LIMIT 1") as { task_id: string }[];
    const writing = (perSecond: number) => {
      let open = 1;
      const timer = setInterval(() => {
        open = 1 - open;
        void server.platform.dataSource.query('UPDATE task_candidate SET open = ? WHERE task_id = ?', [open, churned]);
      }, 1000 / perSecond);
      return async () => {
        clearInterval(timer);
        await server.platform.dataSource.query('UPDATE task_candidate SET open = 1 WHERE task_id = ?', [churned]);
      };
    };
    const measured: [string, string, string, number][] = [
      ...targets.map(([name, url, bearer]) => [name, url, bearer, 0] as [string, string, string, number]),
      ['待办 todo (dispatcher), 10 writes/s', '/api/tasks?view=todo', dispatcher, 10],
      ['待办 todo (dispatcher), 100 writes/s', '/api/tasks?view=todo', dispatcher, 100],
    ];
    // warm-up: every request for 2 s first, so the server's start-up work (demo data, the
    // engine's first timers, JIT) and a cold page cache are over before anything is measured
    for (const [, url, bearer] of targets) await autocannon({ url: `${server.url}${url}`, connections: 32, duration: 2, workers: 1, headers: { authorization: `Bearer ${bearer}` } });
    console.log(`\n${'request'.padEnd(40)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)}`);
    for (const [name, url, bearer, writesPerSecond] of measured) {
      const check = await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${bearer}` } });
      if (check.status !== 200) throw new Error(`${url}: HTTP ${check.status} ${await check.text()}`);
      await autocannon({ url: `${server.url}${url}`, connections: 32, duration: 1, workers: 1, headers: { authorization: `Bearer ${bearer}` } }); // warm-up
      const stopWriting = writesPerSecond ? writing(writesPerSecond) : async () => {};
      const result = await autocannon({ url: `${server.url}${url}`, connections: 32, duration: seconds, workers: 1, headers: { authorization: `Bearer ${bearer}` } });
      await stopWriting();
      const errors = result.errors + result.non2xx + result.timeouts;
      console.log(`${name.padEnd(40)} ${result.requests.average.toFixed(0).padStart(8)} ${String(result.latency.p50).padStart(8)} ${String(result.latency.p99).padStart(8)} ${String(errors).padStart(7)}`);
    }
    await server.stop();
  } finally {
    await restoreServer();
    await db.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
