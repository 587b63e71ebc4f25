/**
 * The search grams carry their case's creation time in the primary key (gram, created_at,
 * case_id): a free-text search walks its rarest gram's postings newest first and stops once the
 * page is full, instead of gathering every case that holds the gram and sorting them; the other
 * grams are checked by exact key (a case's creation time never changes). The grams are derived
 * data, so the table is rebuilt from the old one joined with the cases.
 */
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from '../columns.js';

function gramTable(q: QueryRunner, name: string): Table {
  return new Table({
    name,
    columns: [
      { ...col.string('gram', 32), isPrimary: true },
      { ...col.datetime(q, 'created_at'), isPrimary: true },
      { ...col.string('case_id', 36), isPrimary: true },
    ],
  });
}

export class SearchGramTime1732400000700 implements MigrationInterface {
  name = 'SearchGramTime1732400000700';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(gramTable(q, 'case_search_gram_next'), true);
    await q.query('INSERT INTO case_search_gram_next (gram, created_at, case_id) SELECT g.gram, c.created_at, g.case_id FROM case_search_gram g INNER JOIN case_record c ON c.id = g.case_id');
    await q.dropTable('case_search_gram');
    await q.renameTable('case_search_gram_next', 'case_search_gram');
    await q.createIndex('case_search_gram', new TableIndex({ name: 'ix_case_search_gram_case', columnNames: ['case_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('case_search_gram', 'ix_case_search_gram_case');
    await q.createTable(new Table({ name: 'case_search_gram_prev', columns: [{ ...col.string('gram', 32), isPrimary: true }, { ...col.string('case_id', 36), isPrimary: true }] }), true);
    await q.query('INSERT INTO case_search_gram_prev (gram, case_id) SELECT gram, case_id FROM case_search_gram');
    await q.dropTable('case_search_gram');
    await q.renameTable('case_search_gram_prev', 'case_search_gram');
    await q.createIndex('case_search_gram', new TableIndex({ name: 'ix_case_search_gram_case', columnNames: ['case_id'] }));
  }
}
