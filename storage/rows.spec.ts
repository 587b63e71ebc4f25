/** findRowByKey answers exactly what the ORM's findOne answers (booleans, datetimes, nulls), on SQLite and MySQL/MariaDB. */
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { SessionEntity, type SessionRow } from '../identity/entities.js';
import { findRowByKey } from './rows.js';

describe('storage: one row by key in plain SQL', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db?.drop());

  it('hydrates like findOne, and answers null for a missing key', async () => {
    const rows: SessionRow[] = [
      {
        id: 's-1', username: '张伟', kind: 'bearer', role: 'officer', unitId: 'U-JD-01', displayName: '张伟', mustChangePassword: true, deviceId: null,
        cookieHash: null, ip: '127.0.0.1', userAgent: 'Mozilla/5.0 <script>', createdAt: new Date('2026-11-24T01:02:03.456Z'),
        expiresAt: new Date('2026-11-24T13:02:03.456Z'), revokedAt: null, revokeReason: null,
      },
      {
        id: 's-2', username: 'dispatcher1', kind: 'cookie', role: 'dispatcher', unitId: null, displayName: '坐席', mustChangePassword: false, deviceId: 'IMEI-1',
        cookieHash: 'a'.repeat(64), ip: null, userAgent: null, createdAt: new Date('2026-11-24T01:02:03.000Z'),
        expiresAt: new Date('2026-11-24T13:02:03.000Z'), revokedAt: new Date('2026-11-24T02:00:00.001Z'), revokeReason: 'logout',
      },
    ];
    const repo = db.dataSource.getRepository(SessionEntity);
    await repo.insert(rows);
    for (const row of rows) {
      const orm = await repo.findOne({ where: { id: row.id } });
      const plain = await findRowByKey(db.dataSource, SessionEntity, 'id', row.id);
      expect(plain).to.deep.equal(orm);
      expect(plain).to.deep.equal(row);
    }
    expect(await findRowByKey(db.dataSource, SessionEntity, 'cookieHash', 'a'.repeat(64))).to.deep.equal(rows[1]);
    expect(await findRowByKey(db.dataSource, SessionEntity, 'id', 'missing')).to.equal(null);
    expect(await findRowByKey(db.dataSource, SessionEntity, 'id', "' OR 1=1 --")).to.equal(null);
  });
});
