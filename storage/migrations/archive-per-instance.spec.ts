/**
 * The archive-per-instance migration keeps every entry (and so the hash chain) as it was, fills
 * each one's process instance from its case, and lets a case have a second entry.
 */
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { createArchive } from '../../archive/store.js';
import { CaseEntity } from '../../cases/entities.js';
import { ArchivePerInstance1732400006317 } from './1732400006317-archive-per-instance.js';

describe('migration ArchivePerInstance: one archive entry per process instance of a case', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db?.drop());

  it('backfills the instance of the entries there are, keeps the chain, and accepts a second entry of a case', async () => {
    const archive = createArchive({ dataSource: db.dataSource });
    const now = new Date();
    await db.dataSource.getRepository(CaseEntity).insert({
      id: 'c1', number: 'ZF-20261203-0001', source: 'web', category: 'noise', description: '夜间施工', address: '城东区', lng: null, lat: null, reporterPhone: null,
      status: 'closed', currentStep: null, processInstanceKey: 'pi-1', processVersion: 1, unitId: null, inspector: null, officer: null, rounds: 1,
      createdBy: 'tester', createdAt: now, updatedAt: now, closedAt: now,
    });
    const first = await archive.archiveCase('c1', 'resolved');
    const runner = db.dataSource.createQueryRunner();
    try {
      // back to the schema before the migration, the entry in it, and forward again
      await new ArchivePerInstance1732400006317().down(runner);
      expect((await runner.getTable('archive_entry'))?.columns.map((c) => c.name)).to.not.include('process_instance_key');
      await new ArchivePerInstance1732400006317().up(runner);
      const rows = await runner.query('SELECT seq, case_id, process_instance_key, chain_hash FROM archive_entry') as Record<string, unknown>[];
      expect(rows.map((r) => ({ ...r }))).to.deep.equal([{ seq: first.seq, case_id: 'c1', process_instance_key: 'pi-1', chain_hash: first.chainHash }]);
    } finally {
      await runner.release();
    }
    expect((await archive.verify()).ok).to.equal(true);
    // reopened (a new instance) and closed again: a second entry, appended
    await db.dataSource.getRepository(CaseEntity).update({ id: 'c1' }, { processInstanceKey: 'pi-2' });
    const second = await archive.archiveCase('c1', 'resolved');
    expect(second.seq).to.equal(first.seq + 1);
    expect(second.prevHash).to.equal(first.chainHash);
    expect((await archive.list('c1')).map((e) => e.processInstanceKey)).to.deep.equal(['pi-1', 'pi-2']);
  });
});
