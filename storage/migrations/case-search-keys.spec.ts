/** The search-key migration fills number_seq and phone_last4 in for the cases a database already holds. */
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { CaseSearchKeys1732400001100 } from './1732400001100-case-search-keys.js';

describe('migration CaseSearchKeys: existing cases get their search keys', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db?.drop());

  it('backfills the number sequence and the phone\'s last 4 digits, and indexes both', async () => {
    const runner = db.dataSource.createQueryRunner();
    try {
      // back to the schema before the migration, with cases in it
      await new CaseSearchKeys1732400001100().down(runner);
      // datetimes as each driver stores them (SQLite: UTC text)
      const now = db.kind === 'mysql' ? new Date() : new Date().toISOString().replace('T', ' ').replace('Z', '');
      for (const [id, number, phone] of [['a', 'ZF-20261203-0002', '13912345678'], ['b', 'ZF-20261203-12345', null], ['c', 'legacy-7', '+4915112345']]) {
        await runner.query(
          'INSERT INTO case_record (id, number, source, category, description, address, reporter_phone, status, process_instance_key, process_version, rounds, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [id, number, 'web', 'noise', 'x', 'y', phone, 'open', `k-${id}`, 1, 0, 'tester', now, now],
        );
      }
      await new CaseSearchKeys1732400001100().up(runner);
      const rows = await runner.query('SELECT id, number_seq, phone_last4 FROM case_record ORDER BY id') as { id: string; number_seq: string | null; phone_last4: string | null }[];
      expect(rows.map((r) => ({ ...r }))).to.deep.equal([
        { id: 'a', number_seq: '0002', phone_last4: '5678' },
        { id: 'b', number_seq: '12345', phone_last4: null },
        { id: 'c', number_seq: null, phone_last4: '2345' },
      ]);
      const table = await runner.getTable('case_record');
      expect(table?.indices.map((i) => i.name)).to.include.members(['ix_case_number_seq', 'ix_case_phone_last4']);
    } finally {
      await runner.release();
    }
  });
});
