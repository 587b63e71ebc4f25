/**
 * The composition root of everything below HTTP: database → engine (+ record hooks) → workers
 * → services, and deployment of the diagrams in processes/. `npm start`, the tests, the
 * benchmarks and the crash test all build the platform here, each with its own config.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../storage/data-source.js';
import { EmbeddedEngine } from '../../engine/embedded/adapter.js';
import type { EngineHooks, WorkflowEngine } from '../../engine/port.js';
import { createCaseRecordHooks, createCaseService, type CaseService } from '../../cases/index.js';
import { createAssignmentNotices } from '../../sms/index.js';
import { accountContact } from '../../identity/index.js';
import { createArchive, type Archive } from '../../archive/index.js';
import { createArchiveWorker } from '../../workers/archive/index.js';
import { PhotoEntity } from '../../photos/index.js';
import { areaAt } from '../../units/index.js';
import type { Worker } from '../../workers/contract.js';
import type { Config } from './config.js';
import { createPlatformWorkers, type PlatformServices } from './workers.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const processesDir = path.join(repoRoot, 'processes');

export interface Platform extends PlatformServices {
  config: Config;
  dataSource: DataSource;
  engine: WorkflowEngine;
  cases: CaseService;
  archive: Archive;
  /** Stops the engine (waiting for running jobs), then the services, then closes the database. */
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /** Replace or add workers (tests); by default every worker of the platform is registered. */
  workers?: (defaults: Worker<never>[]) => Worker<never>[];
  /** Extra hooks run after the case-record hooks, in the same transaction. */
  hooks?: EngineHooks;
  /** Deploy processes/*.bpmn at start-up (default true). */
  deploy?: boolean;
  /** Start the engine's job executor and timers (default true). */
  startEngine?: boolean;
}

function chainHooks(...all: EngineHooks[]): EngineHooks {
  const names = new Set(all.flatMap((h) => Object.keys(h))) as Set<keyof EngineHooks>;
  const chained: Record<string, unknown> = {};
  for (const name of names) {
    chained[name] = async (...args: unknown[]) => {
      for (const hooks of all) await (hooks[name] as ((...a: unknown[]) => Promise<void>) | undefined)?.(...args);
    };
  }
  return chained as EngineHooks;
}

/** Deploys every diagram in processes/ (unchanged ones are recognised and not re-versioned). */
export async function deployProcesses(engine: WorkflowEngine, dir = processesDir): Promise<void> {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.bpmn')).sort();
  for (const file of files) {
    await engine.deploy([{ name: file, content: fs.readFileSync(path.join(dir, file), 'utf8') }]);
  }
}

export async function createPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  if (config.engine.kind !== 'embedded') {
    throw new Error('ENGINE=zeebe: the Zeebe adapter is not in this build yet; use ENGINE=embedded');
  }
  const dataSource = await openDatabase({ url: config.databaseUrl });
  // the person a task is given to hears of it by SMS, queued in the same transaction
  const notices = createAssignmentNotices({ contactOf: accountContact, config: { roles: config.sms.notifyAssignedRoles } });
  const hooks = chainHooks(createCaseRecordHooks(), notices, options.hooks ?? {});
  const engine = new EmbeddedEngine({
    dataSource, hooks, cacheSize: config.engine.cacheSize, cacheHeapBytes: config.engine.cacheHeapBytes, pollIntervalMs: config.engine.pollIntervalMs, jobConcurrency: config.engine.jobConcurrency,
  });
  const services = await createPlatformWorkers({ config, dataSource });
  // the archive freezes each photo's hashes with the case
  const archive = createArchive({
    dataSource,
    photoHashes: async (tx, caseId) => (await tx.getRepository(PhotoEntity).find({ where: { caseId }, select: { id: true, sha256: true, phash: true, taskId: true } }))
      .map((p) => ({ id: p.id, sha256: p.sha256, phash: p.phash, taskId: p.taskId })),
  });
  const defaults = [createArchiveWorker({ archive }) as Worker<never>, ...services.workers];
  const workers = options.workers ? options.workers(defaults) : defaults;
  for (const worker of workers) engine.registerWorker(worker);
  if (options.deploy !== false) await deployProcesses(engine);
  if (options.startEngine !== false) await engine.start();
  const cases = createCaseService({
    dataSource, engine,
    categoryInUse: async (code) => (await services.units.getCategory(code))?.active === true,
    areaOf: async (location) => areaAt(await services.unitDirectory.snapshot(), location.lng, location.lat)?.id ?? null,
  });
  return {
    ...services,
    config,
    dataSource,
    engine,
    cases,
    archive,
    async stop() {
      await engine.stop();
      await services.stop();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}
