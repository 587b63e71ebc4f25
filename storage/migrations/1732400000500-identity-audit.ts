/** Built-in accounts, sessions and refresh tokens (identity/entities.ts) and the audit log (audit/entities.ts). */
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from '../columns.js';

export class IdentityAudit1732400000500 implements MigrationInterface {
  name = 'IdentityAudit1732400000500';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'identity_account',
      columns: [
        col.key('username', 64), col.string('display_name', 64), col.string('mobile', 20), col.string('role', 16), col.string('unit_id', 32, true),
        col.string('password_hash', 255), col.datetime(q, 'password_changed_at'), col.bool('must_change_password'), col.text('password_history', false),
        col.int('failed_count', false, 0), col.datetime(q, 'locked_until', true), col.bool('disabled'), col.string('bound_device_id', 32, true),
        col.bool('require_device_binding'), col.datetime(q, 'created_at'), col.datetime(q, 'updated_at'),
      ],
      indices: [new TableIndex({ name: 'ix_identity_account_unit', columnNames: ['unit_id'] })],
    }), true);
    await q.createTable(new Table({
      name: 'identity_session',
      columns: [
        col.key('id', 36), col.string('username', 128), col.string('kind', 8), col.string('role', 16), col.string('unit_id', 32, true),
        col.string('display_name', 64), col.bool('must_change_password'), col.string('device_id', 32, true), col.string('cookie_hash', 64, true),
        col.string('ip', 64, true), col.string('user_agent', 256, true), col.datetime(q, 'created_at'), col.datetime(q, 'expires_at'),
        col.datetime(q, 'revoked_at', true), col.string('revoke_reason', 32, true),
      ],
      uniques: [{ name: 'uq_identity_session_cookie', columnNames: ['cookie_hash'] }],
      indices: [new TableIndex({ name: 'ix_identity_session_user', columnNames: ['username'] })],
    }), true);
    await q.createTable(new Table({
      name: 'identity_refresh_token',
      columns: [col.key('token_hash', 64), col.string('session_id', 36), col.datetime(q, 'created_at'), col.datetime(q, 'used_at', true)],
      indices: [new TableIndex({ name: 'ix_identity_refresh_session', columnNames: ['session_id'] })],
    }), true);
    await q.createTable(new Table({
      name: 'audit_entry',
      columns: [
        { ...col.int('seq'), isPrimary: true }, col.datetime(q, 'at'), col.string('actor', 128, true), col.string('actor_role', 32, true),
        col.string('ip', 64, true), col.string('user_agent', 256, true), col.string('action', 64), col.string('target', 160, true),
        col.string('outcome', 16), col.text('detail'), col.string('prev_hash', 64), col.string('hash', 64),
      ],
      indices: [
        new TableIndex({ name: 'ix_audit_actor', columnNames: ['actor', 'seq'] }),
        new TableIndex({ name: 'ix_audit_action', columnNames: ['action', 'seq'] }),
        new TableIndex({ name: 'ix_audit_target', columnNames: ['target', 'seq'] }),
        new TableIndex({ name: 'ix_audit_at', columnNames: ['at'] }),
      ],
    }), true);
    await q.createTable(new Table({
      name: 'audit_head',
      columns: [{ ...col.int('id'), isPrimary: true }, col.int('seq'), col.string('last_hash', 64)],
    }), true);
    await q.query('INSERT INTO audit_head (id, seq, last_hash) VALUES (?, ?, ?)', [1, 0, '0'.repeat(64)]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['audit_head', 'audit_entry', 'identity_refresh_token', 'identity_session', 'identity_account']) await q.dropTable(table, true);
  }
}
