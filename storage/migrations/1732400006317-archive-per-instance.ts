/**
 * A case reopened for a new round (重新开启) is archived again when it closes again: the archive
 * keeps one entry per process instance of a case, unique by (case, instance), instead of one per
 * case. Entries written before had one instance each, the case's current one, which fills the
 * new column. The table is rebuilt (SQLite cannot drop a unique constraint in place); the
 * rows, and so the hash chain, are copied unchanged.
 */
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from '../columns.js';

function entryTable(q: QueryRunner, name: string, perInstance: boolean): Table {
  return new Table({
    name,
    columns: [
      { ...col.int('seq'), isPrimary: true }, col.string('case_id', 36), col.string('case_number', 32),
      ...(perInstance ? [col.string('process_instance_key', 36, true)] : []), col.string('outcome', 32),
      col.int('process_version'), col.datetime(q, 'archived_at'), col.longText(q, 'content', false), col.string('content_hash', 64),
      col.string('prev_hash', 64), col.string('chain_hash', 64),
    ],
    uniques: [perInstance ? { name: 'uq_archive_case_instance', columnNames: ['case_id', 'process_instance_key'] } : { name: 'uq_archive_case', columnNames: ['case_id'] }],
  });
}

const copied = 'seq, case_id, case_number, outcome, process_version, archived_at, content, content_hash, prev_hash, chain_hash';

export class ArchivePerInstance1732400006317 implements MigrationInterface {
  name = 'ArchivePerInstance1732400006317';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(entryTable(q, 'archive_entry_next', true), true);
    await q.query(`INSERT INTO archive_entry_next (${copied}, process_instance_key) SELECT ${copied.split(', ').map((c) => `a.${c}`).join(', ')}, c.process_instance_key FROM archive_entry a LEFT JOIN case_record c ON c.id = a.case_id`);
    await q.dropTable('archive_entry');
    await q.renameTable('archive_entry_next', 'archive_entry');
  }

  async down(q: QueryRunner): Promise<void> {
    // a case archived twice keeps its first entry only (the chain then reports the gap)
    await q.createTable(entryTable(q, 'archive_entry_prev', false), true);
    await q.query(`INSERT INTO archive_entry_prev (${copied}) SELECT ${copied} FROM archive_entry a WHERE a.seq = (SELECT MIN(b.seq) FROM archive_entry b WHERE b.case_id = a.case_id)`);
    await q.dropTable('archive_entry');
    await q.renameTable('archive_entry_prev', 'archive_entry');
  }
}
