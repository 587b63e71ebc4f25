/**
 * The search box finds a case by the tail of its number (`0002` of `ZF-20261203-0002`) and by
 * the last four digits of the reporter's phone: both are columns of their own with an index
 * (cases/search.ts), written when a case opens. Existing cases get them here, in one UPDATE
 * each (SUBSTR with a negative start is the last characters on SQLite and MySQL alike).
 */
import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class CaseSearchKeys1732400001100 implements MigrationInterface {
  name = 'CaseSearchKeys1732400001100';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('case_record', new TableColumn({ name: 'number_seq', type: 'varchar', length: '16', isNullable: true }));
    await q.addColumn('case_record', new TableColumn({ name: 'phone_last4', type: 'varchar', length: '4', isNullable: true }));
    // numbers read ZF-<8-digit day>-<sequence>: the sequence starts at the 13th character
    await q.query("UPDATE case_record SET number_seq = SUBSTR(number, 13) WHERE number LIKE 'ZF-________-%'");
    await q.query('UPDATE case_record SET phone_last4 = SUBSTR(reporter_phone, -4) WHERE reporter_phone IS NOT NULL AND LENGTH(reporter_phone) >= 4');
    await q.createIndex('case_record', new TableIndex({ name: 'ix_case_number_seq', columnNames: ['number_seq'] }));
    await q.createIndex('case_record', new TableIndex({ name: 'ix_case_phone_last4', columnNames: ['phone_last4'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('case_record', 'ix_case_phone_last4');
    await q.dropIndex('case_record', 'ix_case_number_seq');
    await q.dropColumn('case_record', 'phone_last4');
    await q.dropColumn('case_record', 'number_seq');
  }
}
