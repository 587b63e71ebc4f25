/**
 * Case numbers people can read over the phone: `ZF-<Shanghai date>-<daily sequence>`, e.g.
 * `ZF-20261124-0001`. The counter row is bumped inside a transaction (a row lock on MySQL, the
 * single writer on SQLite), so numbers are unique under concurrency.
 */
import type { EntityManager } from 'typeorm';

const shanghaiDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

export function shanghaiDay(at: Date): string {
  return shanghaiDate.format(at).replaceAll('-', '');
}

export function formatCaseNumber(day: string, sequence: number): string {
  return `ZF-${day}-${String(sequence).padStart(4, '0')}`;
}

/** Allocates the next number for the day of `at` (Asia/Shanghai). Call inside a transaction. */
export async function allocateCaseNumber(tx: EntityManager, at: Date): Promise<string> {
  const day = shanghaiDay(at);
  const mysql = tx.connection.options.type === 'mysql' || tx.connection.options.type === 'mariadb';
  // One upsert statement: an INSERT IGNORE followed by an UPDATE deadlocked under concurrency on InnoDB.
  await tx.query(
    mysql
      ? 'INSERT INTO case_number_seq (day, `last`) VALUES (?, 1) ON DUPLICATE KEY UPDATE `last` = `last` + 1'
      : 'INSERT INTO case_number_seq (day, "last") VALUES (?, 1) ON CONFLICT (day) DO UPDATE SET "last" = "last" + 1',
    [day],
  );
  const rows = (await tx.query(mysql ? 'SELECT `last` AS n FROM case_number_seq WHERE day = ?' : 'SELECT "last" AS n FROM case_number_seq WHERE day = ?', [day])) as { n: number | string }[];
  return formatCaseNumber(day, Number(rows[0].n));
}

/** InnoDB may still pick a victim among concurrent first upserts of a day: those are retried. */
export function isTransientLockError(error: unknown): boolean {
  const code = (error as { driverError?: { errno?: number }; errno?: number }).driverError?.errno ?? (error as { errno?: number }).errno;
  return code === 1213 || code === 1205;
}

/** Allocates a number in its own short transaction, retrying a lock victim a few times. */
export async function allocateCaseNumberRetrying(run: (work: (tx: EntityManager) => Promise<string>) => Promise<string>, at: Date): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run((tx) => allocateCaseNumber(tx, at));
    } catch (error) {
      if (!isTransientLockError(error) || attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
    }
  }
}
