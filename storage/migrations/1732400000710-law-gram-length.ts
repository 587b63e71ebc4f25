/**
 * Law search without a join: each posting carries its document's BM25 length (body grams + 3 ×
 * title grams), so ranking reads `law_gram` alone; and an index that answers the library's
 * size statistics without reading the documents' text.
 */
import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from '../columns.js';

export class LawGramLength1732400000710 implements MigrationInterface {
  name = 'LawGramLength1732400000710';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('law_gram', new TableColumn(col.int('doc_length', false, 0)));
    await q.query('UPDATE law_gram SET doc_length = (SELECT d.body_grams + 3 * d.title_grams FROM law_document d WHERE d.id = law_gram.law_id)');
    await q.createIndex('law_document', new TableIndex({ name: 'ix_law_document_length', columnNames: ['body_grams', 'title_grams'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('law_document', 'ix_law_document_length');
    await q.dropColumn('law_gram', 'doc_length');
  }
}
