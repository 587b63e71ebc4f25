/** The area (单元网格) a case lies in, found by the unit suggestion; searchable. */
import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class CaseArea1732400000190 implements MigrationInterface {
  name = 'CaseArea1732400000190';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('case_record', new TableColumn({ name: 'area_id', type: 'varchar', length: '64', isNullable: true }));
    await q.createIndex('case_record', new TableIndex({ name: 'ix_case_area', columnNames: ['area_id', 'created_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('case_record', 'ix_case_area');
    await q.dropColumn('case_record', 'area_id');
  }
}
