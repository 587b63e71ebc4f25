import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { CaseEntity, CaseEventEntity, type CaseRow } from '../cases/entities.js';
import { ArchiveEntryEntity } from './entities.js';
import { createArchive } from './store.js';
import { canonicalJson } from './canonical-json.js';

describe('case archive hash chain', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => db.drop());

  async function addCase(n: number): Promise<CaseRow> {
    const now = new Date(Date.UTC(2026, 10, 24, 8, 0, n));
    const row: CaseRow = {
      id: `case-${n}`, number: `ZF-20261124-${String(n).padStart(4, '0')}`, source: 'hotline', category: 'street-vending',
      description: `占道经营 <script>alert(${n})</script>`, address: '城东区解放路 1 号', lng: 120.2, lat: 30.27, reporterPhone: '13800138000',
      status: 'closed', currentStep: null, processInstanceKey: `pi-${n}`, processVersion: 1, unitId: 'U-1', inspector: 'li', officer: 'wang',
      rounds: 1, createdBy: 'dispatcher', createdAt: now, updatedAt: now, closedAt: now,
    };
    await db.dataSource.getRepository(CaseEntity).insert(row);
    await db.dataSource.getRepository(CaseEventEntity).insert({ caseId: row.id, at: now, actor: 'dispatcher', type: 'case.created', elementId: 'caseRegistered', taskId: null, round: 0, data: { n } } as never);
    await db.dataSource.getRepository(CaseEventEntity).insert({ caseId: row.id, at: now, actor: 'li', type: 'task.completed', elementId: 'recheck', taskId: 't', round: 1, data: { recheckResult: 'fixed' } } as never);
    return row;
  }

  it('chains entries, is idempotent per case, and verifies clean', async () => {
    const archive = createArchive({ dataSource: db.dataSource, photoHashes: async (_tx, caseId) => [{ id: `p-${caseId}`, sha256: 'ab'.repeat(32), phash: '0f0f0f0f0f0f0f0f' }] });
    const cases = [await addCase(1), await addCase(2), await addCase(3)];
    const entries = [];
    for (const c of cases) entries.push(await archive.archiveCase(c.id, 'resolved'));
    expect(entries.map((e) => e.seq)).to.deep.equal([1, 2, 3]);
    expect(entries[1].prevHash).to.equal(entries[0].chainHash);
    const again = await archive.archiveCase(cases[0].id, 'resolved');
    expect(again.chainHash).to.equal(entries[0].chainHash);
    const content = JSON.parse(entries[0].content);
    expect(content.case.description).to.equal('占道经营 <script>alert(1)</script>');
    expect(content.timeline.map((e: { type: string }) => e.type)).to.deep.equal(['case.created', 'task.completed']);
    expect(content.photos[0].sha256).to.have.length(64);
    const result = await archive.verify();
    expect(result).to.include({ ok: true, entries: 3 });
    expect(result.lastHash).to.equal(entries[2].chainHash);
  });

  it('detects an edited case record, an edited entry and a removed entry', async () => {
    const archive = createArchive({ dataSource: db.dataSource });
    for (const n of [1, 2, 3]) await archive.archiveCase((await addCase(n)).id, 'resolved');

    await db.dataSource.getRepository(CaseEntity).update({ id: 'case-2' }, { description: '已修改' });
    let result = await archive.verify();
    expect(result.ok).to.equal(false);
    expect(result.problems.map((p) => [p.caseNumber, p.problem])).to.deep.equal([['ZF-20261124-0002', 'record_changed']]);

    const entry = await db.dataSource.getRepository(ArchiveEntryEntity).findOneByOrFail({ seq: 1 });
    const forged = JSON.parse(entry.content);
    forged.outcome = 'dismissed';
    await db.dataSource.getRepository(ArchiveEntryEntity).update({ seq: 1 }, { content: canonicalJson(forged) });
    result = await archive.verify();
    expect(result.problems.map((p) => p.problem)).to.include.members(['content_hash', 'record_changed']);

    await db.dataSource.getRepository(ArchiveEntryEntity).delete({ seq: 3 });
    result = await archive.verify();
    expect(result.problems.map((p) => p.problem)).to.include('head_mismatch');
  });

  it('canonical JSON sorts keys and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: '中' }], e: new Date(0) })).to.equal('{"a":[{"c":"中"}],"b":1,"e":"1970-01-01T00:00:00.000Z"}');
  });
});

describe('case archive verification after the case goes on', () => {
  it('ignores events recorded after archiving, but not edits of archived ones', async () => {
    const db = await createTestDatabase();
    try {
      const archive = createArchive({ dataSource: db.dataSource });
      const now = new Date();
      await db.dataSource.getRepository(CaseEntity).insert({
        id: 'c1', number: 'ZF-20261124-0001', source: 'sms', category: 'noise', description: '夜间施工噪音', address: '城西区', lng: null, lat: null,
        reporterPhone: null, status: 'open', currentStep: 'archiveResolved', processInstanceKey: 'pi', processVersion: 1, unitId: null,
        inspector: null, officer: null, rounds: 1, createdBy: 'd', createdAt: now, updatedAt: now, closedAt: null,
      });
      await db.dataSource.getRepository(CaseEventEntity).insert({ caseId: 'c1', at: now, actor: 'd', type: 'case.created', elementId: null, taskId: null, round: 0, data: null } as never);
      await archive.archiveCase('c1', 'resolved');
      await db.dataSource.getRepository(CaseEventEntity).insert({ caseId: 'c1', at: now, actor: null, type: 'case.closed', elementId: 'caseClosed', taskId: null, round: 1, data: null } as never);
      await db.dataSource.getRepository(CaseEntity).update({ id: 'c1' }, { status: 'closed', closedAt: now, currentStep: null });
      expect((await archive.verify()).ok).to.equal(true);
      await db.dataSource.getRepository(CaseEventEntity).update({ type: 'case.created' }, { actor: 'someone-else' });
      expect((await archive.verify()).problems.map((p) => p.problem)).to.deep.equal(['record_changed']);
    } finally {
      await db.drop();
    }
  });
});
