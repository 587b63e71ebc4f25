/**
 * A case opened for a complaint about a case already closed refers to it (关联原案件): the
 * repeat SMS of a closed case opens a new case instead of vanishing into the closed one.
 */
import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class CaseRelated1732400001400 implements MigrationInterface {
  name = 'CaseRelated1732400001400';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('case_record', new TableColumn({ name: 'related_case_id', type: 'varchar', length: '36', isNullable: true }));
    await q.createIndex('case_record', new TableIndex({ name: 'ix_case_related', columnNames: ['related_case_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('case_record', 'ix_case_related');
    await q.dropColumn('case_record', 'related_case_id');
  }
}
