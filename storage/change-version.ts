/**
 * A token that changes whenever the database may have changed, so an answer computed from it
 * can be reused until then: the task lists every open page polls are read again only after a
 * write. The token comes from the database itself, never from the writers' cooperation. Read it
 * before the data it vouches for: a write that commits in between makes the next token differ.
 *
 * SQLite: this connection's `total_changes()` (every row it inserted, updated or deleted,
 * committed or rolled back, triggers included; it only grows) with `PRAGMA data_version` (it
 * moves when any other connection commits, e.g. a second process or the CLI on the same file).
 * Changes can only make the token different, so a stale answer is never served — a rollback
 * merely costs a fresh read. Inside an open transaction on the one SQLite connection (reads
 * there may see uncommitted rows) there is no token.
 *
 * MySQL / MariaDB: the sum of `change_counter`, which triggers on the tables the cached answers
 * come from (cases, tasks, task offers, people's parts in cases, sessions) raise inside every
 * writing transaction (migrations 1732400000800 and 1732400001600), so it moves when such a write commits, from any connection or
 * process; rolled-back writes leave it as it was. Reads run on pooled connections outside any
 * transaction and see committed rows only.
 *
 * `null` when no token can be had: callers then read afresh every time. That is the case on a
 * MySQL / MariaDB server where the triggers could not be created (no TRIGGER privilege).
 */
import type { DataSource } from 'typeorm';
import { changeCounterSlots, changeCounterTables, changeTriggerName } from './migrations/1732400000800-change-counter.js';
import { personCaseCounterTables } from './migrations/1732400001600-task-person-case.js';

interface SqliteStatement { get(): unknown }
interface SqliteDatabase { inTransaction: boolean; prepare(sql: string): SqliteStatement & { pluck(): SqliteStatement } }

const probes = new WeakMap<object, { changes: SqliteStatement; dataVersion: SqliteStatement }>();

function sqliteVersion(ds: DataSource): string | null {
  const db = (ds.driver as unknown as { databaseConnection?: SqliteDatabase }).databaseConnection;
  if (!db || db.inTransaction) return null;
  let probe = probes.get(db);
  if (!probe) {
    probe = { changes: db.prepare('SELECT total_changes()').pluck(), dataVersion: db.prepare('PRAGMA data_version').pluck() };
    probes.set(db, probe);
  }
  return `${String(probe.dataVersion.get())}:${String(probe.changes.get())}`;
}

/** Whether every change-counter trigger exists in this database (asked once per DataSource). */
const countedChanges = new WeakMap<DataSource, Promise<boolean>>();

async function triggersPresent(ds: DataSource): Promise<boolean> {
  const wanted = [...changeCounterTables, ...personCaseCounterTables].flatMap((table) => ['insert', 'update', 'delete'].map((event) => changeTriggerName(table, event)));
  const rows = await ds.query(
    `SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME IN (${wanted.map(() => '?').join(', ')})`,
    wanted,
  ) as { name: string }[];
  return rows.length === wanted.length;
}

interface MysqlPool { execute(sql: string, callback: (error: Error | null, rows: unknown) => void): void }

/**
 * The probe runs on every API request, so it goes to mysql2's pool directly as a prepared
 * statement (parsed once per connection), not through a TypeORM query runner.
 */
function probeCounter(ds: DataSource): Promise<{ v: number | string | null; slots: number | string }[]> {
  const pool = (ds.driver as unknown as { pool?: MysqlPool }).pool;
  if (!pool) return ds.query('SELECT SUM(n) AS v, COUNT(*) AS slots FROM change_counter');
  return new Promise((resolve, reject) => {
    pool.execute('SELECT SUM(n) AS v, COUNT(*) AS slots FROM change_counter', (error, rows) => (error ? reject(error) : resolve(rows as { v: number | string | null; slots: number | string }[])));
  });
}

async function mysqlVersion(ds: DataSource): Promise<string | null> {
  let present = countedChanges.get(ds);
  if (!present) countedChanges.set(ds, (present = triggersPresent(ds)));
  if (!(await present)) return null;
  const [row] = await probeCounter(ds);
  // a missing slot row would drop that connection's writes from the count: no token then
  if (Number(row?.slots) !== changeCounterSlots) return null;
  return String(row.v);
}

export async function changeVersion(ds: DataSource): Promise<string | null> {
  if (ds.options.type === 'better-sqlite3') return sqliteVersion(ds);
  if (ds.options.type === 'mysql' || ds.options.type === 'mariadb') return mysqlVersion(ds);
  return null;
}
