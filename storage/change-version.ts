/**
 * A token that changes whenever the database may have changed, so an answer computed from it
 * can be reused until then: the task lists every open page polls are read again only after a
 * write. The token comes from the database itself, never from the writers' cooperation.
 *
 * SQLite: this connection's `total_changes()` (every row it inserted, updated or deleted,
 * committed or rolled back, triggers included; it only grows) with `PRAGMA data_version` (it
 * moves when any other connection commits, e.g. a second process or the CLI on the same file).
 * Changes can only make the token different, so a stale answer is never served — a rollback
 * merely costs a fresh read.
 *
 * `null` when no token can be had: inside an open transaction on the one SQLite connection
 * (reads there may see uncommitted rows), and on MySQL/MariaDB, which keeps no such counter;
 * callers then read afresh every time.
 */
import type { DataSource } from 'typeorm';

interface SqliteStatement { get(): unknown }
interface SqliteDatabase { inTransaction: boolean; prepare(sql: string): SqliteStatement & { pluck(): SqliteStatement } }

const probes = new WeakMap<object, { changes: SqliteStatement; dataVersion: SqliteStatement }>();

export function changeVersion(ds: DataSource): string | null {
  if (ds.options.type !== 'better-sqlite3') return null;
  const db = (ds.driver as unknown as { databaseConnection?: SqliteDatabase }).databaseConnection;
  if (!db || db.inTransaction) return null;
  let probe = probes.get(db);
  if (!probe) {
    probe = { changes: db.prepare('SELECT total_changes()').pluck(), dataVersion: db.prepare('PRAGMA data_version').pluck() };
    probes.set(db, probe);
  }
  return `${String(probe.dataVersion.get())}:${String(probe.changes.get())}`;
}
