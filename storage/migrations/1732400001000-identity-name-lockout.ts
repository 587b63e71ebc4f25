/**
 * Lockout counters for sign-in names without a usable account (identity/name-lockout.ts): kept
 * in the database like the accounts' own `failed_count` / `locked_until`, so after a restart an
 * unknown name is still locked exactly when a real account would be.
 */
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from '../columns.js';

export class IdentityNameLockout1732400001000 implements MigrationInterface {
  name = 'IdentityNameLockout1732400001000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'identity_name_lockout',
      columns: [col.key('name_hash', 64), col.int('failed_count', false, 0), col.datetime(q, 'locked_until', true), col.datetime(q, 'updated_at')],
      indices: [new TableIndex({ name: 'ix_identity_name_lockout_updated', columnNames: ['updated_at'] })],
    }), true);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('identity_name_lockout', true);
  }
}
