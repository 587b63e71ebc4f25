/**
 * `npm run bench:sms [-- --messages 20000 --window 10 --database <url>]`: the SMSC simulator
 * sends MO messages (a third multipart UCS-2) as fast as the platform acknowledges them; we
 * print messages/s, p99 deliver_sm→resp and the inbox count, beside two baselines measured on
 * this machine (bare smpp echo, one durable row per commit), then a phase with 20 link drops.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import smpp, { type PDU } from 'smpp';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../storage/data-source.js';
import { InboxEntity } from '../../sms/entities.js';
import { Worker } from 'node:worker_threads';
import { createSms, silentLogger } from '../../sms/index.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    window: { type: 'string', default: '10' },
    drops: { type: 'string', default: '20' },
    database: { type: 'string' },
  },
});
const N = Number(values.messages);
const WINDOW = Number(values.window);
const DROPS = Number(values.drops);

interface RunReport {
  pdus: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  redelivered: number;
  dropped: number;
}

/** Starts the SMSC thread; `run` sends one traffic phase and resolves with its report. */
async function startSmsc(): Promise<{ url: string; port: number; run(count: number, tag: string, drops: number, echo?: boolean): Promise<RunReport>; stop(): Promise<void> }> {
  // Workers do not inherit tsx's loader on Node 20: register it inside, then load the module.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./smsc-worker.ts', import.meta.url).href)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { window: WINDOW } });
  const ready = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { url: string; port: number }) => resolve(message));
  });
  return {
    ...ready,
    run(count, tag, drops, echo = false) {
      return new Promise((resolve) => {
        worker.once('message', (message: RunReport) => resolve(message));
        worker.postMessage({ kind: 'run', count, tag, drops, echo });
      });
    },
    async stop() {
      await worker.terminate();
    },
  };
}

async function openBenchDatabase(label: string): Promise<{ dataSource: DataSource; cleanup: () => Promise<void> }> {
  if (values.database) {
    const dataSource = await openDatabase({ url: values.database });
    await dataSource.getRepository(InboxEntity).clear();
    return { dataSource, cleanup: () => dataSource.destroy() };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `paidan-bench-sms-${label}-`));
  const dataSource = await openDatabase({ url: `sqlite:${path.join(dir, 'bench.sqlite')}` });
  return {
    dataSource,
    cleanup: async () => {
      await dataSource.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Baseline 1: the bare smpp library answering every deliver_sm at once (no database). */
async function bareEchoRate(count: number): Promise<number> {
  const smsc = await startSmsc();
  const session = smpp.connect({ url: `smpp://127.0.0.1:${smsc.port}` });
  session.on('error', () => undefined);
  await new Promise<void>((resolve) => session.on('connect', () => {
    session.send(new smpp.PDU('bind_transceiver', { system_id: 'paidan', password: 'secret' }), () => resolve());
  }));
  session.on('deliver_sm', (pdu: PDU) => session.send(pdu.response()));
  const report = await smsc.run(count, 'echo', 0, true);
  session.destroy();
  await smsc.stop();
  return report.pdus / report.seconds;
}

/** Baseline 2: one committed inbox row per transaction on the same database. */
async function durableCommitRate(count: number): Promise<number> {
  const { dataSource, cleanup } = await openBenchDatabase('commit');
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    await dataSource.transaction((em) => em.getRepository(InboxEntity).insert({
      sender: '13900000000', recipient: null, text: `commit ${i}`, receivedAt: new Date(), smscMessageId: null, dataCoding: 8,
      partsCount: 1, dedupKey: String(i), duplicates: 0, decodeError: null, handled: false, handledAt: null, handledBy: null, caseId: null,
    }));
  }
  const rate = count / ((performance.now() - started) / 1000);
  await cleanup();
  return rate;
}

async function platformRun(label: string, count: number, drops: number) {
  const { dataSource, cleanup } = await openBenchDatabase(label);
  const smsc = await startSmsc();
  const sms = createSms({
    dataSource,
    config: { url: smsc.url, windowSize: WINDOW, enquireLinkMs: 30_000, reconnectInitialMs: 20, reconnectMaxMs: 200 },
    logger: silentLogger,
  });
  sms.start();
  await sms.gateway.whenBound();
  const report = await smsc.run(count, label, drops);
  const inbox = await sms.inbox.count();
  const distinct = Number((await dataSource.getRepository(InboxEntity).createQueryBuilder('m').select('COUNT(DISTINCT m.text)', 'n').getRawOne<{ n: number }>())?.n ?? 0);
  const recognised = Number((await dataSource.getRepository(InboxEntity).createQueryBuilder('m').select('SUM(m.duplicates)', 'n').getRawOne<{ n: number | null }>())?.n ?? 0);
  const result = {
    messages: count,
    pdus: report.pdus,
    seconds: report.seconds,
    rate: count / report.seconds,
    pduRate: report.pdus / report.seconds,
    p50Ms: report.p50Ms,
    p99Ms: report.p99Ms,
    inbox,
    lost: count - distinct,
    duplicated: inbox - distinct,
    redelivered: report.redelivered,
    recognised,
    drops: report.dropped,
    binds: sms.gateway.stats.binds,
    meanBatch: sms.writeStats.operations / Math.max(1, sms.writeStats.transactions),
  };
  await sms.stop();
  await smsc.stop();
  await cleanup();
  return result;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

console.log(`bench:sms — ${N} MO messages (a third multipart UCS-2), window ${WINDOW}, database ${values.database ?? 'SQLite (temp file, WAL, synchronous=NORMAL)'}`);
console.log(`node ${process.version}, ${os.cpus().length} CPU(s)`);
const echo = await bareEchoRate(Math.min(N, 20_000));
console.log(`baseline  bare smpp echo (no database):        ${fmt(echo)} deliver_sm/s`);
const commit = await durableCommitRate(Math.min(N, 5_000));
console.log(`baseline  durable commit, one row per commit:  ${fmt(commit)} rows/s`);

const phase1 = await platformRun('steady', N, 0);
console.log(`phase 1   platform into the inbox:             ${fmt(phase1.rate)} messages/s (${fmt(phase1.pduRate)} PDUs/s, ${phase1.pdus} PDUs in ${fmt(phase1.seconds, 2)} s)`);
console.log(`          deliver_sm → resp:                    p50 ${fmt(phase1.p50Ms, 2)} ms, p99 ${fmt(phase1.p99Ms, 2)} ms (group commit: ${fmt(phase1.meanBatch, 1)} deliver_sm per transaction)`);
console.log(`          inbox: ${phase1.inbox} logical messages (expected ${N}) ${phase1.inbox === N && phase1.lost === 0 ? 'OK' : 'MISMATCH'}`);
console.log(`          ratio to bare echo: ${fmt(phase1.pduRate / echo, 2)}× (PDUs), ratio to durable commit rate: ${fmt(phase1.rate / commit, 2)}× (messages)`);

const phase2 = await platformRun('drops', N, DROPS);
console.log(`phase 2   ${phase2.drops} link drops: ${fmt(phase2.rate)} messages/s, ${phase2.binds} binds, ${phase2.redelivered} redeliveries by the SMSC, ${phase2.recognised} recognised as duplicates`);
console.log(`          lost ${phase2.lost}, duplicated ${phase2.duplicated}, inbox ${phase2.inbox} (expected ${N}) ${phase2.lost === 0 && phase2.duplicated === 0 && phase2.inbox === N ? 'OK' : 'FAILED'}`);
const ok = phase1.inbox === N && phase1.lost === 0 && phase2.lost === 0 && phase2.duplicated === 0 && phase2.inbox === N;
process.exit(ok ? 0 : 1);
