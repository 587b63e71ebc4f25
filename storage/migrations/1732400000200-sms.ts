/** The SMS tables: inbox, reassembly parts, outbox and its segments (see sms/entities.ts). */
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from '../columns.js';

export class Sms1732400000200 implements MigrationInterface {
  name = 'Sms1732400000200';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'sms_inbox',
      columns: [
        col.id(), col.string('sender', 32), col.string('recipient', 32, true), col.text('text', false),
        col.datetime(q, 'received_at'), col.string('smsc_message_id', 64, true), col.int('data_coding'),
        col.int('parts_count', false, 1), col.string('dedup_key', 64), col.int('duplicates', false, 0),
        col.text('decode_error'), col.bool('handled'), col.datetime(q, 'handled_at', true),
        col.string('handled_by', 128, true), col.string('case_id', 64, true),
      ],
      indices: [
        new TableIndex({ name: 'ix_sms_inbox_dedup', columnNames: ['dedup_key', 'received_at'] }),
        new TableIndex({ name: 'ix_sms_inbox_smsc_id', columnNames: ['smsc_message_id'] }),
        new TableIndex({ name: 'ix_sms_inbox_handled', columnNames: ['handled', 'id'] }),
        new TableIndex({ name: 'ix_sms_inbox_case', columnNames: ['case_id'] }),
        new TableIndex({ name: 'ix_sms_inbox_sender', columnNames: ['sender'] }),
      ],
    }), true);
    await q.createTable(new Table({
      name: 'sms_part',
      columns: [
        col.id(), col.string('group_key', 96), col.string('sender', 32), col.string('recipient', 32, true),
        col.int('reference'), col.int('total'), col.int('seq'), col.int('data_coding'), col.text('payload', false),
        col.string('smsc_message_id', 64, true), col.datetime(q, 'received_at'), col.string('state', 16),
        col.int('inbox_id', true), col.datetime(q, 'reported_at', true),
      ],
      indices: [
        new TableIndex({ name: 'ix_sms_part_group', columnNames: ['group_key', 'state', 'seq'] }),
        new TableIndex({ name: 'ix_sms_part_pending', columnNames: ['state', 'received_at'] }),
        new TableIndex({ name: 'ix_sms_part_smsc_id', columnNames: ['smsc_message_id'] }),
      ],
    }), true);
    await q.createTable(new Table({
      name: 'sms_outbox',
      columns: [
        col.id(), col.string('to_addr', 32), col.text('text', false), col.string('case_id', 64, true),
        col.string('job_key', 128, true), col.string('state', 16), col.int('data_coding'), col.int('parts_count'),
        col.int('concat_ref'), col.string('smsc_message_id', 64, true), col.int('attempts', false, 0),
        col.datetime(q, 'next_attempt_at'), col.text('error'), col.datetime(q, 'created_at'),
        col.datetime(q, 'submitted_at', true), col.datetime(q, 'delivered_at', true),
      ],
      uniques: [{ name: 'uq_sms_outbox_job_key', columnNames: ['job_key'] }],
      indices: [
        new TableIndex({ name: 'ix_sms_outbox_due', columnNames: ['state', 'next_attempt_at'] }),
        new TableIndex({ name: 'ix_sms_outbox_case', columnNames: ['case_id'] }),
      ],
    }), true);
    await q.createTable(new Table({
      name: 'sms_outbox_segment',
      columns: [
        col.id(), col.int('outbox_id'), col.int('seq'), col.string('smsc_message_id', 64, true),
        col.string('state', 16), col.string('receipt_stat', 16, true), col.datetime(q, 'updated_at'),
      ],
      uniques: [{ name: 'uq_sms_outbox_segment', columnNames: ['outbox_id', 'seq'] }],
      indices: [new TableIndex({ name: 'ix_sms_outbox_segment_smsc_id', columnNames: ['smsc_message_id'] })],
    }), true);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['sms_outbox_segment', 'sms_outbox', 'sms_part', 'sms_inbox']) await q.dropTable(table, true);
  }
}
