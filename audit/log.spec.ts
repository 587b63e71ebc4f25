/** The audit log: append-only chain, tamper detection, transactions, search. */
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { createAuditLog, type AuditLog } from './index.js';

describe('audit log', () => {
  let db: TestDatabase;
  let audit: AuditLog;

  beforeEach(async () => {
    db = await createTestDatabase();
    audit = createAuditLog({ dataSource: db.dataSource });
  });
  afterEach(() => db.drop());

  it('chains entries and verifies them', async () => {
    const a = await audit.record({ actor: 'zhangsan', actorRole: 'dispatcher', ip: '10.0.0.1', userAgent: 'ua', action: 'case.dispatch', target: 'case:ZF-20261124-0001', outcome: 'success', detail: { unitId: 'U-1', note: '派遣' } });
    const b = await audit.record({ actor: null, action: 'auth.login', outcome: 'failure', detail: { reason: 'unknown_user' } });
    expect(a.seq).to.equal(1);
    expect(b.seq).to.equal(2);
    expect(b.prevHash).to.equal(a.hash);
    const verified = await audit.verify();
    expect(verified).to.deep.include({ ok: true, entries: 2, lastHash: b.hash });
  });

  it('detects an entry edited, or removed, directly in the database', async () => {
    for (let i = 0; i < 4; i += 1) await audit.record({ actor: 'lisi', action: 'export.cases', outcome: 'success', detail: { rows: i } });
    await db.dataSource.query('UPDATE audit_entry SET actor = ? WHERE seq = ?', ['someone-else', 2]);
    let verified = await audit.verify();
    expect(verified.ok).to.equal(false);
    expect(verified.problems.map((p) => [p.seq, p.problem])).to.deep.equal([[2, 'hash']]);
    await db.dataSource.query('DELETE FROM audit_entry WHERE seq = ?', [3]);
    verified = await audit.verify();
    expect(verified.problems.map((p) => p.problem)).to.include.members(['hash', 'gap', 'chain_broken']);
    await db.dataSource.query('DELETE FROM audit_entry WHERE seq = ?', [4]);
    verified = await audit.verify();
    expect(verified.problems.map((p) => p.problem), 'the newest entry removed').to.include('head_mismatch');
  });

  it('commits with the caller\'s transaction and vanishes with its rollback', async () => {
    await db.dataSource.transaction(async (tx) => {
      await audit.record({ actor: 'wangwu', action: 'case.close', target: 'case:1', outcome: 'success' }, tx);
    });
    await db.dataSource.transaction(async (tx) => {
      await audit.record({ actor: 'wangwu', action: 'case.close', target: 'case:2', outcome: 'success' }, tx);
      throw new Error('the case action failed');
    }).catch(() => undefined);
    const page = await audit.search({ actor: 'wangwu' });
    expect(page.entries.map((e) => e.target)).to.deep.equal(['case:1']);
    expect((await audit.verify()).ok).to.equal(true);
  });

  it('searches by actor, action prefix, outcome and time, newest first, a page at a time', async () => {
    let clock = new Date('2026-11-24T08:00:00.000Z').getTime();
    audit = createAuditLog({ dataSource: db.dataSource, now: () => new Date((clock += 60_000)) });
    for (let i = 0; i < 7; i += 1) await audit.record({ actor: i % 2 ? 'a' : 'b', action: i < 4 ? 'auth.login' : 'user.disable', outcome: i === 3 ? 'failure' : 'success' });
    expect((await audit.search({ actor: 'a' })).entries.map((e) => e.seq)).to.deep.equal([6, 4, 2]);
    expect((await audit.search({ action: 'user.' })).entries.map((e) => e.seq)).to.deep.equal([7, 6, 5]);
    expect((await audit.search({ action: 'auth.*', outcome: 'failure' })).entries.map((e) => e.seq)).to.deep.equal([4]);
    const window = await audit.search({ from: new Date('2026-11-24T08:02:00.000Z'), to: new Date('2026-11-24T08:04:00.000Z') });
    expect(window.entries.map((e) => e.seq)).to.deep.equal([3, 2]);
    const first = await audit.search({ limit: 3 });
    expect(first.entries.map((e) => e.seq)).to.deep.equal([7, 6, 5]);
    const second = await audit.search({ limit: 3, before: first.nextBefore! });
    expect(second.entries.map((e) => e.seq)).to.deep.equal([4, 3, 2]);
    const last = await audit.search({ limit: 3, before: second.nextBefore! });
    expect(last).to.deep.equal({ entries: last.entries, nextBefore: null });
    expect(last.entries.map((e) => e.seq)).to.deep.equal([1]);
  });

  it('keeps oversize details bounded', async () => {
    const entry = await audit.record({ actor: 'x', action: 'export.cases', outcome: 'success', userAgent: 'u'.repeat(1000), detail: { blob: 'x'.repeat(100_000) } });
    expect(entry.userAgent).to.have.length(256);
    expect(entry.detail).to.deep.include({ truncated: true });
    expect((await audit.verify()).ok).to.equal(true);
  });
});
