/** The photo store's tables: `photo` (with indexed pHash bands) and `photo_check` (see photos/entities.ts). */
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from '../columns.js';

export class Photos1732400000300 implements MigrationInterface {
  name = 'Photos1732400000300';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'photo',
      columns: [
        col.key('id', 36), col.string('sha256', 64), col.string('phash', 16),
        col.int('phash_b0'), col.int('phash_b1'), col.int('phash_b2'), col.int('phash_b3'),
        col.string('mime', 32), col.int('bytes'), col.int('width'), col.int('height'),
        col.datetime(q, 'taken_at', true), col.string('taken_at_raw', 64, true), col.string('taken_at_offset', 8, true),
        col.double('lat'), col.double('lng'), col.string('storage_path', 255),
        col.string('case_id', 64), col.string('task_id', 64), col.string('uploaded_by', 128), col.datetime(q, 'uploaded_at'),
      ],
      uniques: [{ name: 'uq_photo_task_sha256', columnNames: ['task_id', 'sha256'] }],
      indices: [
        new TableIndex({ name: 'ix_photo_sha256', columnNames: ['sha256'] }),
        new TableIndex({ name: 'ix_photo_case', columnNames: ['case_id', 'uploaded_at'] }),
        new TableIndex({ name: 'ix_photo_task', columnNames: ['task_id', 'uploaded_at'] }),
        new TableIndex({ name: 'ix_photo_b0', columnNames: ['phash_b0'] }),
        new TableIndex({ name: 'ix_photo_b1', columnNames: ['phash_b1'] }),
        new TableIndex({ name: 'ix_photo_b2', columnNames: ['phash_b2'] }),
        new TableIndex({ name: 'ix_photo_b3', columnNames: ['phash_b3'] }),
      ],
    }), true);
    await q.createTable(new Table({
      name: 'photo_check',
      columns: [
        col.id(), col.string('job_key', 128), col.string('photo_id', 64), col.string('case_id', 64, true),
        col.string('phase', 16), col.bool('passed'), col.text('flags', false), col.datetime(q, 'checked_at'),
      ],
      uniques: [{ name: 'uq_photo_check_job_photo', columnNames: ['job_key', 'photo_id'] }],
      indices: [
        new TableIndex({ name: 'ix_photo_check_case', columnNames: ['case_id', 'checked_at'] }),
        new TableIndex({ name: 'ix_photo_check_photo', columnNames: ['photo_id'] }),
      ],
    }), true);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('photo_check', true);
    await q.dropTable('photo', true);
  }
}
