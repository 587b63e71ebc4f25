/**
 * Small portable-SQL helpers for the inbox hot path (one deliver_sm = a handful of statements):
 * plain `?` statements run on SQLite and MySQL alike and skip the ORM's per-call metadata work,
 * which otherwise costs more than the database itself.
 */
import type { EntityManager } from 'typeorm';

/** A Date as the driver stores it: TypeORM keeps SQLite datetimes as UTC text, mysql2 takes Date. */
export function sqlDate(em: EntityManager, date: Date): Date | string {
  if (em.connection.options.type === 'better-sqlite3') return date.toISOString().replace('T', ' ').replace('Z', '');
  return date;
}

/** The generated id of an INSERT run through `em.query`. */
export function insertId(result: unknown): number {
  if (typeof result === 'number' || typeof result === 'bigint') return Number(result);
  const header = result as { insertId?: number } | undefined;
  if (header && typeof header.insertId === 'number') return header.insertId;
  throw new Error('the driver did not return an insert id');
}

export async function selectOne<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T | undefined> {
  const rows = (await em.query(sql, params)) as T[];
  return rows[0];
}

/** Milliseconds of a datetime read by a raw query (SQLite gives UTC text, mysql2 a Date). */
export function parseDbDate(value: string | Date): number {
  if (value instanceof Date) return value.getTime();
  return Date.parse(`${value.replace(' ', 'T')}Z`);
}
