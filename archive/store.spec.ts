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

describe('case archive of a reopened case (one entry per round)', () => {
  it('appends an entry per process instance, keeps the first, and verifies the earlier round against the reopening', async () => {
    const db = await createTestDatabase();
    try {
      const photos = [{ id: 'p1', sha256: 'ab'.repeat(32), phash: null, taskId: 't1' }];
      const archive = createArchive({ dataSource: db.dataSource, photoHashes: async () => photos });
      const at = new Date(Date.UTC(2026, 11, 3, 8));
      const cases = db.dataSource.getRepository(CaseEntity);
      const events = db.dataSource.getRepository(CaseEventEntity);
      await cases.insert({
        id: 'c1', number: 'ZF-20261203-0001', source: 'sms', category: 'street-vending', description: '占道经营', address: '城东区', lng: 120.2, lat: 30.26,
        reporterPhone: null, status: 'open', currentStep: 'archiveResolved', processInstanceKey: 'pi-1', processVersion: 1, unitId: 'U-1',
        inspector: 'li', officer: 'wang', rounds: 1, createdBy: 'd', createdAt: at, updatedAt: at, closedAt: null,
      });
      await events.insert({ caseId: 'c1', at, actor: 'd', type: 'case.created', elementId: 'caseRegistered', taskId: null, round: 0, data: null } as never);
      await events.insert({ caseId: 'c1', at, actor: 'li', type: 'task.created', elementId: 'verifyReport', taskId: 't1', round: 0, data: null } as never);
      const first = await archive.archiveCase('c1', 'resolved', { processInstanceKey: 'pi-1' });
      await events.insert({ caseId: 'c1', at, actor: null, type: 'case.closed', elementId: 'caseClosed', taskId: null, round: 1, data: null } as never);
      await cases.update({ id: 'c1' }, { status: 'closed', closedAt: at, currentStep: null });

      // reopened: the new round overwrites the record's round fields; the event keeps them
      const from = { status: 'closed', closedAt: at, processInstanceKey: 'pi-1', processVersion: 1, rounds: 1, unitId: 'U-1', areaId: null, inspector: 'li', officer: 'wang', lng: 120.2, lat: 30.26 };
      await events.insert({ caseId: 'c1', at, actor: 'd', type: 'case.reopened', elementId: null, taskId: null, round: 2, data: { reason: '又出现了', from } } as never);
      await cases.update({ id: 'c1' }, { status: 'open', closedAt: null, processInstanceKey: 'pi-2', processVersion: 2, rounds: 2, unitId: 'U-2', inspector: 'zhao', officer: 'chen', lng: 120.21 });
      await events.insert({ caseId: 'c1', at, actor: null, type: 'task.created', elementId: 'verifyReport', taskId: 't2', round: 2, data: null } as never);
      photos.push({ id: 'p2', sha256: 'cd'.repeat(32), phash: null, taskId: 't2' });
      expect(await archive.verify()).to.include({ ok: true, entries: 1 });
      // a re-run of the first round's archive step still answers its entry; another instance's is refused
      expect((await archive.archiveCase('c1', 'resolved', { processInstanceKey: 'pi-1' })).seq).to.equal(first.seq);
      let refused: unknown;
      await archive.archiveCase('c1', 'resolved', { processInstanceKey: 'pi-9' }).catch((e: unknown) => (refused = e));
      expect(refused).to.have.property('code', 'conflict');

      const second = await archive.archiveCase('c1', 'resolved', { processInstanceKey: 'pi-2' });
      expect(second.seq).to.equal(first.seq + 1);
      expect(second.prevHash).to.equal(first.chainHash);
      const content = JSON.parse(second.content);
      expect(content.case).to.include({ rounds: 2, unitId: 'U-2', officer: 'chen' });
      expect(content.photos.map((p: { id: string }) => p.id)).to.deep.equal(['p1', 'p2']);
      expect(content.photos[0]).to.not.have.property('taskId');
      expect(JSON.parse(first.content).photos.map((p: { id: string }) => p.id)).to.deep.equal(['p1']);
      expect((await archive.get('c1'))?.seq).to.equal(second.seq);
      expect((await archive.list('c1')).map((e) => e.seq)).to.deep.equal([first.seq, second.seq]);
      expect(await archive.verify()).to.include({ ok: true, entries: 2 });

      // an edit of the earlier round's record, live or as the reopening kept it, is still found
      await cases.update({ id: 'c1' }, { description: '已修改' });
      expect((await archive.verify()).problems.map((p) => `${p.seq}:${p.problem}`)).to.deep.equal([`${first.seq}:record_changed`, `${second.seq}:record_changed`]);
      await cases.update({ id: 'c1' }, { description: '占道经营' });
      await events.update({ type: 'case.reopened' }, { data: { reason: '又出现了', from: { ...from, officer: 'someone-else' } } } as never);
      expect((await archive.verify()).problems.map((p) => `${p.seq}:${p.problem}`)).to.deep.equal([`${first.seq}:record_changed`, `${second.seq}:record_changed`]);
    } finally {
      await db.drop();
    }
  });
});
