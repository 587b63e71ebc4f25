/**
 * bench:scale — the embedded engine with a city's open caseload. Opens N cases (default 20,000)
 * and leaves each at its first task, then starts the real server (`api/src/main.ts`, as `npm
 * start` runs it, in its own process) and measures what a bureau sizes its machine by:
 *
 *   - the server's RSS: after start-up, at its peak under load, at the end;
 *   - time from process start to serving, with N open cases in the database;
 *   - claim and complete (派发核实) on random cases over HTTP, with 1 client and with 8:
 *     p50 / p99 per action and actions/s (every completion rebuilds its instance from the
 *     database: in random order over N cases nothing is ever in memory already);
 *   - bare bpmn-engine's recover + resume of the same saved state, the floor of a rebuild;
 *   - heap per rebuilt instance, and disk per 10,000 open cases.
 *
 * How the N cases are opened: the first one through the API (POST /api/cases, the engine runs it
 * to its first user task), the others by copying that case's rows — case, timeline, search
 * grams, task, candidates, engine instance with its saved state, user task and finished job —
 * with fresh ids and case numbers, in bulk (opening 100,000 cases one by one through the API
 * would take hours here). The copies are rows the platform itself wrote, ids renamed.
 *
 *   npm run bench:scale -- [--cases N] [--db sqlite|mysql] [--keep-sqlite FILE] [--keep-mysql NAME]
 *                          [--actions-1 N] [--actions-8 N] [--warmup N]
 *   npm run bench:scale -- --cases 100000 --keep-sqlite /tmp/scale-100k.sqlite
 * `--db mysql` uses TEST_DATABASE_URL (default mysql://root@127.0.0.1:3306); `--keep-*` seeds
 * that database once and measures it again on later runs (a run's completions move some cases
 * on; the next run tops the open ones up to N again).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DataSource } from 'typeorm';
import { demoPassword } from '../../api/src/demo.js';
import { repoRoot } from '../../api/src/platform.js';
import { parseDiagram } from '../../engine/embedded/diagram.js';
import { InstanceRuntime } from '../../engine/embedded/runtime.js';
import { openDatabase } from '../../storage/data-source.js';
import { connectToServer, createTestDatabaseUrl } from '../../test/support/database.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const N = Number(args.get('cases') ?? 20_000);
const kind = args.get('db') ?? 'sqlite';
const keptFile = args.get('keep-sqlite');
const keptDatabase = args.get('keep-mysql');
const actions1 = Number(args.get('actions-1') ?? 1000);
const warmup = Number(args.get('warmup') ?? 200);
const actions8 = Number(args.get('actions-8') ?? 1600);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// ---- the server, in its own process ------------------------------------------------------------

/** Node's flags as `npm start` passes them (package.json), or BENCH_SERVER_NODE_FLAGS to try others. */
const serverNodeFlags = process.env.BENCH_SERVER_NODE_FLAGS !== undefined
  ? process.env.BENCH_SERVER_NODE_FLAGS.split(' ').filter(Boolean)
  : (/^node ((?:--\S+ )*)--import tsx/.exec((JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start)?.[1] ?? '').split(' ').filter(Boolean);

/** CPU time (user + system, all threads) a process has used so far, in ms (Linux clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime (fields 14 and 15 of stat)
  } catch {
    return 0;
  }
}

interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn to the first successful /api/health. */
  startMs: number;
  rssNow(): number;
  peakRss(): number;
  cpuMs(): number;
  stop(): Promise<void>;
}

function statusField(pid: number, field: string): number {
  try {
    const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.replace(/\D+/g, '')) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [...serverNodeFlags, '--import', 'tsx', path.join(repoRoot, 'api/src/main.ts')], {
    cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (m) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 5);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`the server exited (${code}) before serving:\n${output.slice(-3000)}`));
    });
  });
  for (;;) {
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const startMs = performance.now() - started;
  return {
    child, url, startMs,
    rssNow: () => statusField(child.pid as number, 'VmRSS'),
    peakRss: () => statusField(child.pid as number, 'VmHWM'),
    cpuMs: () => cpuMs(child.pid as number),
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

async function signIn(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: demoPassword }) });
  const body = await response.json() as { accessToken?: string };
  if (!body.accessToken) throw new Error(`sign-in of ${username} failed: ${JSON.stringify(body)}`);
  return body.accessToken;
}

// ---- seeding: one real case, then its rows copied ----------------------------------------------

interface Template {
  caseId: string;
  instanceKey: string;
  number: string;
  rows: Map<string, Record<string, unknown>[]>;
  /** Generated (auto-increment) primary key columns per table, left out of the copies. */
  generated: Map<string, string[]>;
  ownIds: string[];
}

const copiedTables: [string, string][] = [
  ['case_record', 'id = ?'],
  ['case_event', 'case_id = ?'],
  ['case_search_gram', 'case_id = ?'],
  ['task_record', 'case_id = ?'],
  ['task_candidate', 'task_id IN (SELECT id FROM task_record WHERE case_id = ?)'],
  // people's parts in the case (已办 / 办结); none yet at the first task, kept so the copies stay whole
  ['task_person_case', 'case_id = ?'],
  ['engine_instance', '`key` = (SELECT process_instance_key FROM case_record WHERE id = ?)'],
  ['engine_user_task', 'instance_key = (SELECT process_instance_key FROM case_record WHERE id = ?)'],
  ['engine_job', 'instance_key = (SELECT process_instance_key FROM case_record WHERE id = ?)'],
];

async function readTemplate(ds: DataSource, caseId: string): Promise<Template> {
  const rows = new Map<string, Record<string, unknown>[]>();
  const generated = new Map<string, string[]>();
  for (const meta of ds.entityMetadatas) {
    generated.set(meta.tableName, meta.primaryColumns.filter((c) => c.generationStrategy === 'increment').map((c) => c.databaseName));
  }
  const ownIds = new Set<string>();
  for (const [table, where] of copiedTables) {
    const found = await ds.query(`SELECT * FROM ${table} WHERE ${where}`, [caseId]) as Record<string, unknown>[];
    rows.set(table, found);
    for (const row of found) {
      for (const column of ['id', 'key']) if (typeof row[column] === 'string' && /^[0-9a-f-]{36}$/.test(row[column] as string)) ownIds.add(row[column] as string);
    }
  }
  const record = (rows.get('case_record') ?? [])[0];
  return { caseId, instanceKey: String(record.process_instance_key), number: String(record.number), rows, generated, ownIds: [...ownIds] };
}

/** Copies the template `count` times (fresh ids, case numbers on earlier days), in batches. */
async function copyTemplate(ds: DataSource, template: Template, count: number, firstIndex: number): Promise<void> {
  const started = performance.now();
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const idPattern = new RegExp([...template.ownIds, template.number].map(escape).join('|'), 'g');
  const batch = 250;
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    const byTable = new Map<string, unknown[][]>();
    const columnsOf = new Map<string, string[]>();
    for (let k = 0; k < n; k += 1) {
      const index = firstIndex + done + k;
      const day = new Date(Date.UTC(2025, 0, 1) + Math.floor(index / 9000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
      const renamed = new Map<string, string>([[template.number, `ZF-${day}-${String(1000 + (index % 9000)).padStart(4, '0')}`]]);
      for (const id of template.ownIds) renamed.set(id, randomUUID());
      const rename = (value: unknown) => (typeof value === 'string' ? value.replace(idPattern, (m) => renamed.get(m) ?? m) : value);
      for (const [table, rows] of template.rows) {
        const skip = new Set(template.generated.get(table) ?? []);
        for (const row of rows) {
          const columns = columnsOf.get(table) ?? Object.keys(row).filter((c) => !skip.has(c));
          columnsOf.set(table, columns);
          const list = byTable.get(table) ?? [];
          list.push(columns.map((c) => rename(row[c])));
          byTable.set(table, list);
        }
      }
    }
    await ds.transaction(async (tx) => {
      for (const [table, values] of byTable) {
        const columns = columnsOf.get(table) as string[];
        const placeholders = `(${columns.map(() => '?').join(', ')})`;
        for (let i = 0; i < values.length; i += 200) {
          const chunk = values.slice(i, i + 200);
          await tx.query(`INSERT INTO ${table} (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES ${chunk.map(() => placeholders).join(', ')}`, chunk.flat());
        }
      }
    });
    if ((done + n) % 20_000 < batch || done + n === count) console.log(`  copied ${(done + n).toLocaleString()} of ${count.toLocaleString()} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
}

async function openCaseCount(ds: DataSource): Promise<number> {
  const [row] = await ds.query("SELECT COUNT(*) AS n FROM task_record WHERE state = 'created' AND element_id = 'assignInspector'") as { n: number | string }[];
  return Number(row.n);
}

async function waitForFirstTask(ds: DataSource, caseId: string): Promise<void> {
  for (;;) {
    const tasks = await ds.query("SELECT id FROM task_record WHERE case_id = ? AND state = 'created'", [caseId]) as unknown[];
    const pending = await ds.query("SELECT j.`key` FROM engine_job j JOIN case_record c ON j.instance_key = c.process_instance_key WHERE c.id = ? AND j.state <> 'completed'", [caseId]) as unknown[];
    if (tasks.length && !pending.length) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---- the load ----------------------------------------------------------------------------------

interface OpenTask {
  taskId: string;
  assignee: string | null;
}

interface LoadResult {
  claim: number[];
  complete: number[];
  seconds: number;
  errors: string[];
  /** The server's CPU time over the run (all its threads: the event loop, the collector's helpers, SQLite's checkpointer). */
  serverCpuMs: number;
}

async function runLoad(server: ServerProcess, token: string, pool: OpenTask[], clients: number, total: number): Promise<LoadResult> {
  const { url } = server;
  const result: LoadResult = { claim: [], complete: [], seconds: 0, errors: [], serverCpuMs: 0 };
  const cpuBefore = server.cpuMs();
  let issued = 0;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (issued < total && pool.length) {
      issued += 1;
      const at = Math.floor(Math.random() * pool.length);
      const task = pool[at];
      // take it out while this client acts on it: no two clients race for one task
      pool[at] = pool[pool.length - 1];
      pool.pop();
      const claiming = task.assignee === null;
      const t0 = performance.now();
      const response = claiming
        ? await fetch(`${url}/api/tasks/${task.taskId}/claim`, { method: 'POST', headers, body: '{}' })
        : await fetch(`${url}/api/tasks/${task.taskId}/complete`, { method: 'POST', headers, body: JSON.stringify({ variables: { inspector: 'inspector1', assignNotes: '请尽快到现场核实' } }) });
      const ms = performance.now() - t0;
      const text = await response.text();
      if (!response.ok) {
        result.errors.push(`${response.status} ${text.slice(0, 200)}`);
        continue;
      }
      if (claiming) {
        result.claim.push(ms);
        pool.push({ taskId: task.taskId, assignee: 'dispatcher1' });
      } else result.complete.push(ms);
    }
  }));
  result.seconds = (performance.now() - started) / 1000;
  result.serverCpuMs = server.cpuMs() - cpuBefore;
  return result;
}

function printLoad(title: string, r: LoadResult): void {
  const all = [...r.claim, ...r.complete].sort((a, b) => a - b);
  const line = (name: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    console.log(`  ${name.padEnd(22)} ${String(sorted.length).padStart(6)} ${percentile(sorted, 50).toFixed(1).padStart(8)} ${percentile(sorted, 99).toFixed(1).padStart(8)}`);
  };
  console.log(`\n${title}: ${(all.length / r.seconds).toFixed(0)} actions/s over ${r.seconds.toFixed(1)} s${r.errors.length ? `, ${r.errors.length} errors (first: ${r.errors[0]})` : ''}`);
  console.log(`  ${'action'.padEnd(22)} ${'count'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
  line('claim', r.claim);
  line('complete (rebuild)', r.complete);
  line('all', all);
  // CPU per action is what a busier machine cannot hide: wall-clock figures move with whatever
  // else runs on the machine, the server's own CPU time much less
  console.log(`  server CPU: ${(r.serverCpuMs / all.length).toFixed(1)} ms per action, ${((r.serverCpuMs / 10) / r.seconds).toFixed(0)}% of one core`);
}

// ---- the floor: bare bpmn-engine ---------------------------------------------------------------

async function bareFloor(ds: DataSource): Promise<{ recoverMs: number; heapPerInstance: number; stateBytes: number }> {
  const [row] = await ds.query("SELECT i.engine_state AS state, d.xml AS xml FROM engine_instance i JOIN engine_definition d ON d.`key` = i.definition_key WHERE i.state = 'active' LIMIT 1") as { state: string; xml: string }[];
  const { sourceContext } = await parseDiagram(row.xml, undefined);
  const rounds = 300;
  for (let i = 0; i < 20; i += 1) await new InstanceRuntime(`warm-${i}`, 'd', sourceContext).recover(JSON.parse(row.state)); // JIT
  const t0 = performance.now();
  for (let i = 0; i < rounds; i += 1) await new InstanceRuntime(`floor-${i}`, 'd', sourceContext).recover(JSON.parse(row.state));
  const recoverMs = (performance.now() - t0) / rounds;
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: InstanceRuntime[] = [];
  for (let i = 0; i < 50; i += 1) {
    const rt = new InstanceRuntime(`heap-${i}`, 'd', sourceContext);
    await rt.recover(JSON.parse(row.state));
    kept.push(rt);
  }
  gc();
  const heapPerInstance = (process.memoryUsage().heapUsed - before) / kept.length;
  return { recoverMs, heapPerInstance, stateBytes: row.state.length };
}

async function diskBytes(ds: DataSource, db: { url: string; kind: string }): Promise<number> {
  if (db.kind === 'sqlite') {
    await ds.query('PRAGMA wal_checkpoint(TRUNCATE)');
    return fs.statSync(db.url.replace(/^sqlite:/, '')).size;
  }
  const [row] = await ds.query('SELECT SUM(data_length + index_length) AS n FROM information_schema.TABLES WHERE table_schema = DATABASE()') as { n: number | string }[];
  return Number(row.n);
}

// ---- main ----------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (kind === 'mysql') process.env.TEST_DATABASE_URL ||= 'mysql://root@127.0.0.1:3306';
  else delete process.env.TEST_DATABASE_URL;
  let db: { url: string; kind: 'sqlite' | 'mysql'; cleanup(): Promise<void> };
  if (kind !== 'mysql' && keptFile) db = { url: `sqlite:${path.resolve(keptFile)}`, kind: 'sqlite', cleanup: async () => {} };
  else if (kind === 'mysql' && keptDatabase) {
    if (!/^\w+$/.test(keptDatabase)) throw new Error(`--keep-mysql ${keptDatabase}: use letters, digits and _`);
    const url = new URL(process.env.TEST_DATABASE_URL as string);
    const admin = await connectToServer(url.toString());
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${keptDatabase}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    url.pathname = `/${keptDatabase}`;
    db = { url: url.toString(), kind: 'mysql', cleanup: async () => {} };
  } else db = await createTestDatabaseUrl();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-bench-scale-'));
  const serverEnv = {
    NODE_ENV: 'development', DATABASE_URL: db.url, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', SMSC_SIMULATOR_PORT: '0', SEED_DEMO: 'true',
  };
  console.log(`bench:scale — ${N.toLocaleString()} open cases on ${db.kind}, ${os.cpus().length} cores, Node ${process.version}, server: node ${serverNodeFlags.join(' ')}, load average ${os.loadavg()[0].toFixed(1)}`);
  let server: ServerProcess | null = null;
  try {
    // 1. the template case, through the API
    server = await startServerProcess(serverEnv);
    const ds = await openDatabase({ url: db.url });
    let open = await openCaseCount(ds);
    if (open < N) {
      // two cases through the API: one left as it is, one claimed by the dispatcher, so the load
      // finds both claims and completions to do
      const token = await signIn(server.url, 'dispatcher1');
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const templates: string[] = [];
      for (const claimed of [false, true]) {
        const created = await fetch(`${server.url}/api/cases`, {
          method: 'POST', headers,
          body: JSON.stringify({ source: 'hotline', category: 'street-vending', description: '解放路菜场门口流动摊贩占道经营', address: '城东区解放路 88 号', location: { lng: 120.2105, lat: 30.2741 }, reporterPhone: '13812345678' }),
        });
        const body = await created.json() as { case?: { id: string } };
        if (!body.case) throw new Error(`opening a template case failed: ${JSON.stringify(body)}`);
        await waitForFirstTask(ds, body.case.id);
        if (claimed) {
          const [task] = await ds.query("SELECT id FROM task_record WHERE case_id = ? AND state = 'created'", [body.case.id]) as { id: string }[];
          const claim = await fetch(`${server.url}/api/tasks/${task.id}/claim`, { method: 'POST', headers, body: '{}' });
          if (!claim.ok) throw new Error(`claiming the template task failed: ${await claim.text()}`);
        }
        templates.push(body.case.id);
      }
      await server.stop();
      server = null;
      const before = await diskBytes(ds, db);
      open = await openCaseCount(ds);
      const [{ n: existing }] = await ds.query('SELECT COUNT(*) AS n FROM case_record') as { n: number | string }[];
      const copies = N - open;
      console.log(`  two cases opened through the API (one claimed); copying their rows ${copies.toLocaleString()} times`);
      const half = Math.ceil(copies / 2);
      await copyTemplate(ds, await readTemplate(ds, templates[0]), half, Number(existing));
      await copyTemplate(ds, await readTemplate(ds, templates[1]), copies - half, Number(existing) + half);
      if (db.kind === 'sqlite') await ds.query('ANALYZE');
      else for (const [table] of copiedTables) await ds.query(`ANALYZE TABLE ${table}`);
      const after = await diskBytes(ds, db);
      console.log(`  database: ${mib(after)}; ${mib(((after - before) / copies) * 10_000)} per 10,000 open cases`);
    } else {
      console.log(`  ${open.toLocaleString()} cases are open already (kept from an earlier run)`);
      await server.stop();
      server = null;
    }

    // 2. restart with N open cases: time to serving, memory at rest
    server = await startServerProcess(serverEnv);
    console.log(`\nserving ${(server.startMs / 1000).toFixed(2)} s after the process started, with ${(await openCaseCount(ds)).toLocaleString()} open cases`);
    console.log(`server RSS after start-up: ${mib(server.rssNow())}`);
    let peak = server.rssNow();
    const sampler = setInterval(() => (peak = Math.max(peak, server?.rssNow() ?? 0)), 100);

    // 3. random claims and completions over all open cases
    const token = await signIn(server.url, 'dispatcher1');
    const pool: OpenTask[] = (await ds.query("SELECT id, assignee FROM task_record WHERE state = 'created' AND element_id = 'assignInspector'") as { id: string; assignee: string | null }[])
      .map((r) => ({ taskId: r.id, assignee: r.assignee }));
    // the first actions after a start pay for compiling the code paths (V8's JIT): shown apart,
    // so the steady-state figures below are what a bureau sees all day
    if (warmup > 0) printLoad(`first ${warmup} actions after the start (warm-up, 1 client)`, await runLoad(server, token, pool, 1, warmup));
    const one = await runLoad(server, token, pool, 1, actions1);
    printLoad('1 client, random cases', one);
    const eight = await runLoad(server, token, pool, 8, actions8);
    printLoad('8 clients, random cases', eight);
    clearInterval(sampler);
    console.log(`\nserver RSS: peak ${mib(Math.max(peak, server.peakRss()))}, at the end ${mib(server.rssNow())}`);
    await server.stop();
    server = null;

    // 4. the floor
    const floor = await bareFloor(ds);
    console.log(`bpmn-engine alone, recover + resume of a saved case: ${floor.recoverMs.toFixed(2)} ms per action (the floor of a rebuild); ${mib(floor.heapPerInstance)} of heap per rebuilt instance; saved state ${(floor.stateBytes / 1024).toFixed(1)} KiB`);
    await ds.destroy();
  } finally {
    await server?.stop();
    await db.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
