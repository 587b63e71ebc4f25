/** The law library's tables: `law_document` and its search postings `law_gram` (see laws/entities.ts). */
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from '../columns.js';

export class Laws1732400000600 implements MigrationInterface {
  name = 'Laws1732400000600';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'law_document',
      columns: [
        col.key('id', 36), col.string('title', 200), col.string('issuer', 100), col.string('doc_number', 100, true),
        col.string('effective_date', 10), col.string('status', 16), col.string('format', 16), col.string('mime', 100),
        col.string('original_name', 255, true), col.string('storage_path', 255), col.string('sha256', 64), col.int('bytes'),
        col.int('body_grams'), col.int('title_grams'), col.string('uploaded_by', 128), col.datetime(q, 'created_at'), col.datetime(q, 'updated_at'),
        // last, so reading the other columns (search statistics, lists) never walks a long text's overflow pages on SQLite
        col.longText(q, 'text', false),
      ],
      uniques: [{ name: 'uq_law_document_sha256', columnNames: ['sha256'] }],
      indices: [new TableIndex({ name: 'ix_law_document_status_date', columnNames: ['status', 'effective_date'] })],
    }), true);
    // (gram, law_id) is the primary key: a search reads each query gram's postings off the index
    await q.createTable(new Table({
      name: 'law_gram',
      columns: [{ ...col.string('gram', 32), isPrimary: true }, { ...col.string('law_id', 36), isPrimary: true }, col.int('tf_body'), col.int('tf_title')],
      indices: [new TableIndex({ name: 'ix_law_gram_law', columnNames: ['law_id'] })],
    }), true);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('law_gram', true);
    await q.dropTable('law_document', true);
  }
}
