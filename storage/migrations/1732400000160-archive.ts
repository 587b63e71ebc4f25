/** The hash-chained case archive (archive/entities.ts). */
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from '../columns.js';

export const genesisHash = '0'.repeat(64);

export class Archive1732400000160 implements MigrationInterface {
  name = 'Archive1732400000160';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'archive_entry',
      columns: [
        { ...col.int('seq'), isPrimary: true }, col.string('case_id', 36), col.string('case_number', 32), col.string('outcome', 32),
        col.int('process_version'), col.datetime(q, 'archived_at'), col.longText(q, 'content', false), col.string('content_hash', 64),
        col.string('prev_hash', 64), col.string('chain_hash', 64),
      ],
      uniques: [{ name: 'uq_archive_case', columnNames: ['case_id'] }],
    }), true);
    await q.createTable(new Table({
      name: 'archive_head',
      columns: [{ ...col.int('id'), isPrimary: true }, col.int('seq'), col.string('last_hash', 64)],
    }), true);
    await q.query('INSERT INTO archive_head (id, seq, last_hash) VALUES (?, ?, ?)', [1, 0, genesisHash]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('archive_head', true);
    await q.dropTable('archive_entry', true);
  }
}
