/**
 * Builds the TypeORM DataSource for the configured database: a SQLite file (the embedded
 * default) or MySQL / MariaDB through mysql2 (`mysql://user:pass@host:port/db`).
 * Schema changes go through migrations only; `synchronize` is never used.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import { allEntities } from './entities.js';
import { allMigrations } from './migrations/index.js';
import { fallbackAutoCheckpointPages, startCheckpointer, type Checkpointer } from './sqlite-checkpointer.js';

export type DatabaseKind = 'sqlite' | 'mysql';

export interface DatabaseOptions {
  /** `sqlite:<file path>`, `sqlite::memory:` or `mysql://user:pass@host:port/database`. */
  url: string;
  /** Log every SQL statement (debugging only). */
  logging?: boolean;
}

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) return 'mysql';
  if (url.startsWith('sqlite:')) return 'sqlite';
  throw new Error(`Unsupported DATABASE_URL "${url}": use sqlite:<file> or mysql://user:pass@host:port/db`);
}

export function sqliteFile(url: string): string {
  return url.slice('sqlite:'.length);
}

/** Creates (does not initialize) the DataSource with every entity and migration of the platform. */
export function createDataSource(options: DatabaseOptions): DataSource {
  const entities = allEntities as MixedList<EntitySchema>;
  const migrations = allMigrations;
  if (databaseKind(options.url) === 'mysql') {
    return new DataSource({
      type: 'mysql',
      url: options.url.replace(/^mariadb:/, 'mysql:'),
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      dateStrings: false,
      supportBigNumbers: true,
      bigNumberStrings: false,
      entities,
      migrations,
      migrationsTransactionMode: 'each',
      synchronize: false,
      logging: options.logging ?? false,
      // trace: false — mysql2 would capture a stack trace on every query (8% of a list request's
      // CPU) only to decorate errors TypeORM wraps in QueryFailedError with its own stack anyway
      extra: { connectionLimit: 10, trace: false },
    });
  }
  const file = sqliteFile(options.url);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return checkpointInBackground(file, serializeTransactions(new DataSource({
    type: 'better-sqlite3',
    database: file,
    entities,
    migrations,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: options.logging ?? false,
    // WAL + NORMAL: every commit is durable against a process crash (SIGKILL) and costs
    // no fsync per transaction; busy_timeout lets a second process (the CLI) wait its turn.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      db.pragma('cache_size = -65536'); // 64 MiB of page cache: large indexes (search grams) stay in memory
      // checkpoints run in a thread of their own (sqlite-checkpointer.ts); this is the safety net
      if (file !== ':memory:') db.pragma(`wal_autocheckpoint = ${fallbackAutoCheckpointPages}`);
    },
  })));
}

/** Runs the WAL checkpoints of a SQLite file in a worker thread while the DataSource is open. */
function checkpointInBackground(file: string, dataSource: DataSource): DataSource {
  if (file === ':memory:') return dataSource;
  let checkpointer: Checkpointer | null = null;
  const initialize = dataSource.initialize.bind(dataSource);
  const destroy = dataSource.destroy.bind(dataSource);
  dataSource.initialize = async () => {
    await initialize();
    checkpointer = startCheckpointer(path.resolve(file), {
      onError: (message) => console.warn(`SQLite checkpoint of ${file} failed (the next one tries again): ${message}`),
    });
    return dataSource;
  };
  dataSource.destroy = async () => {
    await checkpointer?.stop();
    checkpointer = null;
    await destroy();
  };
  return dataSource;
}

/**
 * better-sqlite3 gives TypeORM one connection: two transactions started concurrently would
 * nest (`BEGIN` inside `BEGIN`) and see each other's writes. SQLite runs one writer at a time
 * anyway, so queue transactions one after another. (Never call `dataSource.transaction`
 * inside a transaction callback: use the callback's manager.)
 */
function serializeTransactions(dataSource: DataSource): DataSource {
  const manager = dataSource.manager;
  const original = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  (manager as { transaction: unknown }).transaction = (...args: unknown[]) => {
    const run = tail.then(() => original(...args));
    tail = run.catch(() => undefined);
    return run;
  };
  return dataSource;
}

/** Initializes the DataSource and applies every pending migration. */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
