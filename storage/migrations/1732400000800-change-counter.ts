/**
 * MySQL / MariaDB only: a change counter the task lists' and sessions' caches read as their
 * token (storage/change-version.ts). Triggers on the tables they read (case_record, task_record,
 * task_candidate, identity_session) add one to a counter row in the writing transaction, so the
 * count moves exactly when such a change commits, whoever writes it (this platform, another
 * replica, an operator's SQL). SQLite needs none of this: it has total_changes() and data_version.
 *
 * Each connection counts on its own row (`CONNECTION_ID() % 64`), so concurrent writers do not
 * queue on one row lock; the token is the sum of the rows.
 *
 * Creating triggers needs the TRIGGER privilege, and with binary logging on, SUPER or
 * log_bin_trust_function_creators=1. Without them the migration warns and leaves the triggers
 * out: the platform works, and reads the lists afresh on every request (see changeVersion).
 */
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, isMysql } from '../columns.js';

export const changeCounterSlots = 64;
export const changeCounterTables = ['case_record', 'task_record', 'task_candidate', 'identity_session'] as const;
const events = ['INSERT', 'UPDATE', 'DELETE'] as const;

export const changeTriggerName = (table: string, event: string) => `trg_${table}_${event.toLowerCase()}_changes`;

/** The statement creating one trigger: the writing connection's counter row goes up by one. */
export const changeTriggerSql = (table: string, event: string) => `CREATE TRIGGER ${changeTriggerName(table, event)} AFTER ${event} ON ${table} FOR EACH ROW
  UPDATE change_counter SET n = n + 1 WHERE slot = CONNECTION_ID() % ${changeCounterSlots}`;

/** Errors that mean "not allowed to create triggers here", not a broken migration. */
const privilegeErrors = new Set([
  'ER_BINLOG_CREATE_ROUTINE_NEED_SUPER', // binary logging on, no SUPER, log_bin_trust_function_creators off
  'ER_TABLEACCESS_DENIED_ERROR', // no TRIGGER privilege
  'ER_SPECIFIC_ACCESS_DENIED_ERROR',
]);

export class ChangeCounter1732400000800 implements MigrationInterface {
  name = 'ChangeCounter1732400000800';

  async up(q: QueryRunner): Promise<void> {
    if (!isMysql(q)) return;
    await q.createTable(new Table({ name: 'change_counter', columns: [{ ...col.int('slot'), isPrimary: true }, { ...col.bigint('n'), default: 0 }] }), true);
    await q.query(`INSERT INTO change_counter (slot, n) VALUES ${Array.from({ length: changeCounterSlots }, (_v, i) => `(${i}, 0)`).join(', ')}`);
    try {
      for (const table of changeCounterTables) {
        for (const event of events) {
          await q.query(changeTriggerSql(table, event));
        }
      }
    } catch (error) {
      if (!privilegeErrors.has((error as { code?: string }).code ?? '')) throw error;
      for (const table of changeCounterTables) for (const event of events) await q.query(`DROP TRIGGER IF EXISTS ${changeTriggerName(table, event)}`);
      console.warn(`[paidan] cannot create the change-counter triggers (${(error as Error).message}); task lists will be read afresh on every request. To have them, grant TRIGGER (and SUPER, or set log_bin_trust_function_creators=1, when binary logging is on) and create them as storage/migrations/1732400000800-change-counter.ts does; the platform finds them at its next start.`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (!isMysql(q)) return;
    for (const table of changeCounterTables) for (const event of events) await q.query(`DROP TRIGGER IF EXISTS ${changeTriggerName(table, event)}`);
    await q.dropTable('change_counter', true);
  }
}
