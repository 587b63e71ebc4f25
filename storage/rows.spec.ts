/** findRowByKey answers exactly what the ORM's findOne answers (booleans, datetimes, nulls), on SQLite and MySQL/MariaDB. */
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { SessionEntity, type SessionRow } from '../identity/entities.js';
import { JobEntity, type JobRow } from '../engine/embedded/entities.js';
import { findRow, findRowByKey, insertRows, updateRows } from './rows.js';

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

  it('inserts, finds and updates like the ORM: JSON, datetimes, nulls, booleans; counts the rows changed', async () => {
    const ds = db.dataSource;
    const job = (key: string): JobRow => ({
      key, instanceKey: 'i-1', executionId: `e-${key}`, elementId: 'suggestUnit', type: 'unit-assign', state: 'activatable', retries: 3, attempts: 0,
      headers: { template: '您的投诉\'已受理\'', more: '\u0000 "引号" \\' }, dueAt: new Date('2026-12-03T01:02:03.456Z'), errorMessage: null,
      bpmnProcessId: 'enforcement-case', processVersion: 1, createdAt: new Date('2026-12-03T01:02:03.000Z'), completedAt: null,
    });
    await insertRows(ds, JobEntity, [job('j-1'), job('j-2')]);
    await ds.getRepository(JobEntity).insert(job('j-3'));
    const orm = await ds.getRepository(JobEntity).findOne({ where: { key: 'j-3' } });
    expect({ ...(await findRow(ds, JobEntity, { key: 'j-1' })), key: 'j-3', executionId: 'e-j-3' }).to.deep.equal(orm);
    expect(await findRow(ds, JobEntity, { instanceKey: 'i-1', executionId: 'e-j-2' })).to.deep.equal(job('j-2'));
    expect(await findRow(ds, JobEntity, { key: "' OR 1=1 --" })).to.equal(null);
    expect(await findRow(ds, JobEntity, { key: 'j-2' }, ['key', 'headers', 'completedAt'])).to.deep.equal({ key: 'j-2', headers: job('j-2').headers, completedAt: null });

    // inside a transaction, with the optimistic check the engine relies on
    const at = new Date('2026-12-03T02:00:00.007Z');
    await ds.transaction(async (tx) => {
      expect(await updateRows(tx, JobEntity, { key: 'j-1', state: 'activatable' }, { state: 'completed', completedAt: at, headers: { done: 'yes' } })).to.equal(1);
      expect(await updateRows(tx, JobEntity, { key: 'j-1', state: 'activatable' }, { state: 'failed' })).to.equal(0);
    });
    expect(await findRow(ds, JobEntity, { key: 'j-1' })).to.deep.equal({ ...job('j-1'), state: 'completed', completedAt: at, headers: { done: 'yes' } });
    // null in the condition means IS NULL; outside a transaction too
    expect(await updateRows(ds, JobEntity, { instanceKey: 'i-1', completedAt: null }, { errorMessage: '失败' })).to.equal(2);
    expect((await ds.getRepository(JobEntity).find({ where: { errorMessage: '失败' } })).map((r) => r.key).sort()).to.deep.equal(['j-2', 'j-3']);

    // booleans and a column left to its default
    const sessions = ds.getRepository(SessionEntity);
    expect(await updateRows(ds, SessionEntity, { id: 's-1' }, { mustChangePassword: false, revokedAt: at })).to.equal(1);
    expect(await sessions.findOne({ where: { id: 's-1' } })).to.include({ mustChangePassword: false }).and.have.property('revokedAt').that.deep.equals(at);
  });
});
