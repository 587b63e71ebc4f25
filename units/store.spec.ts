// The units store on a real test database: units, officers, rosters, leads, categories, and
// area uploads saved in one transaction (all or nothing), with the revision bumped by writes.
import { expect } from 'chai';
import type { EntitySubscriberInterface, InsertEvent, ObjectLiteral } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { isDomainError, type DomainError } from '../errors/index.js';
import { createUnitStore, isoWeekday, shanghaiDate, type UnitStore } from './store.js';

const square = (x: number, y: number, s: number): number[][] => [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]];
const feature = (id: string, name: string, geometry: unknown, unitId: string | null, categoryUnits?: Record<string, string>) => ({
  type: 'Feature', geometry, properties: { id, name, unitId, ...(categoryUnits && { categoryUnits }) },
});

async function refused(work: Promise<unknown>): Promise<DomainError> {
  try {
    await work;
  } catch (error) {
    if (isDomainError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('units store', () => {
  let db: TestDatabase;
  let store: UnitStore;

  beforeEach(async () => {
    db = await createTestDatabase();
    store = createUnitStore(db.dataSource);
    await store.saveUnit({ id: 'U-JD-01', name: '城东街道执法中队' });
    await store.saveUnit({ id: 'U-GH-01', name: '规划执法大队', kind: 'specialist' });
    await store.saveCategory({ code: 'illegal-construction', nameZh: '违法建设', nameEn: 'Illegal construction', timeLimitHours: 72, overrideUnitId: 'U-GH-01' });
  });

  afterEach(async () => {
    await db.drop();
  });

  it('saves and lists units and categories, refusing unknown unit references', async () => {
    expect((await store.listUnits()).map((u) => u.id)).to.deep.equal(['U-GH-01', 'U-JD-01']);
    expect(await store.getCategory('illegal-construction')).to.deep.include({ nameZh: '违法建设', overrideUnitId: 'U-GH-01', timeLimitHours: 72, active: true });
    const bad = await refused(store.saveCategory({ code: 'noise', nameZh: '噪音扰民', nameEn: 'Noise', timeLimitHours: 12, defaultUnitId: 'U-XX-99' }));
    expect(bad.code).to.equal('request.invalid');
    expect(bad.message).to.match(/unknown unit U-XX-99/);
    const invalid = await refused(store.saveUnit({ id: 'bad id', name: '' }));
    expect(invalid.extra.errors!.map((e) => e.field)).to.include.members(['id', 'name']);
  });

  it('answers a save that loses a race for a new key with 409 conflict, not a raw unique-key error', async () => {
    // Another writer inserts the same officer and lead between the store's look-up and its insert.
    let racing = false;
    const twin: EntitySubscriberInterface = {
      async beforeInsert(event: InsertEvent<ObjectLiteral>) {
        if (racing || !['unit_officer', 'unit_lead'].includes(event.metadata.tableName)) return;
        racing = true;
        try {
          await event.manager.insert(event.metadata.target, { ...event.entity });
        } finally {
          racing = false;
        }
      },
    };
    db.dataSource.subscribers.push(twin);
    const officer = await refused(store.saveOfficer({ username: 'race.officer', displayName: '竞争', unitId: 'U-JD-01' }));
    expect(officer.code).to.equal('conflict');
    expect(officer.status).to.equal(409);
    const lead = await refused(store.saveUnitLead({ username: 'race.lead', unitId: 'U-JD-01' }));
    expect(lead.code).to.equal('conflict');
    db.dataSource.subscribers.splice(db.dataSource.subscribers.indexOf(twin), 1);
    // nothing of the refused writes stays, and the next save goes through
    expect(await store.getOfficer('race.officer')).to.equal(null);
    expect((await store.saveOfficer({ username: 'race.officer', displayName: '竞争', unitId: 'U-JD-01' })).username).to.equal('race.officer');
  });

  it('refuses usernames that are not well-formed Unicode (a lone surrogate)', async () => {
    for (const username of ['ab\uD800', '\uDC00']) {
      expect(isDomainError(await refused(store.saveOfficer({ username, displayName: 'x', unitId: 'U-JD-01' })), 'request.invalid')).to.equal(true);
      expect(isDomainError(await refused(store.saveUnitLead({ username, unitId: 'U-JD-01' })), 'request.invalid')).to.equal(true);
    }
    expect((await store.saveOfficer({ username: '张伟😀', displayName: 'x', unitId: 'U-JD-01' })).username).to.equal('张伟😀');
  });

  it('keeps officers, positions, rosters and duty by Asia/Shanghai date', async () => {
    await store.saveOfficer({ username: 'zhangwei', displayName: '张伟', unitId: 'U-JD-01', phone: '13900000001', dutyWeekdays: [1, 2, 3] });
    await store.saveOfficer({ username: 'lina', displayName: '李娜', unitId: 'U-JD-01', dutyWeekdays: [4, 5, 6, 7] });
    await store.updateOfficerPosition('zhangwei', { lng: 120.2, lat: 30.27, at: '2026-11-23T02:00:00Z' });
    expect(await store.getOfficer('zhangwei')).to.deep.include({ lastLng: 120.2, lastLat: 30.27 });
    expect(isDomainError(await refused(store.updateOfficerPosition('nobody', { lng: 1, lat: 1 })), 'not_found')).to.equal(true);
    // 2026-11-23 is a Monday.
    expect(isoWeekday('2026-11-23')).to.equal(1);
    expect(shanghaiDate(new Date('2026-11-22T16:30:00Z'))).to.equal('2026-11-23');
    let duty = await store.officersOnDate('U-JD-01', '2026-11-23');
    expect(duty.map((o) => [o.username, o.onDuty])).to.deep.equal([['lina', false], ['zhangwei', true]]);
    // The roster overrides the regular weekdays: zhangwei on leave, lina covering the day shift.
    await store.saveRoster([
      { username: 'zhangwei', date: '2026-11-23', onDuty: false },
      { username: 'lina', date: '2026-11-23', shift: 'day' },
    ]);
    await store.saveRoster([{ username: 'lina', date: '2026-11-23', shift: 'day' }]);
    duty = await store.officersOnDate('U-JD-01', '2026-11-23');
    expect(duty.map((o) => [o.username, o.onDuty, o.shifts])).to.deep.equal([['lina', true, ['day']], ['zhangwei', false, []]]);
    expect(await store.listRoster({ from: '2026-11-01', to: '2026-11-30', unitId: 'U-JD-01' })).to.have.length(2);
    const unknown = await refused(store.saveRoster([{ username: 'ghost', date: '2026-11-23' }]));
    expect(unknown.extra.errors).to.deep.equal([{ field: 'entries[0].username', message: 'unknown officer ghost', messageZh: '执法队员不存在：ghost' }]);
    expect(isDomainError(await refused(store.saveOfficer({ username: 'x', displayName: 'X', unitId: 'U-NO-01' })), 'request.invalid')).to.equal(true);
  });

  it('records unit leads', async () => {
    await store.saveUnitLead({ username: 'wangqiang', unitId: 'U-JD-01' });
    await store.saveUnitLead({ username: 'wangqiang', unitId: 'U-JD-01' });
    expect(await store.listUnitLeads({ unitId: 'U-JD-01' })).to.deep.equal([{ username: 'wangqiang', unitId: 'U-JD-01' }]);
    expect(await store.removeUnitLead({ username: 'wangqiang', unitId: 'U-JD-01' })).to.equal(true);
    expect(await store.listUnitLeads()).to.deep.equal([]);
  });

  it('imports areas in one transaction, updates by id, replaces on request', async () => {
    const before = await store.revision();
    const upload = {
      type: 'FeatureCollection',
      features: [
        feature('G-1', '一号网格', { type: 'Polygon', coordinates: [square(120, 30, 0.01)] }, 'U-JD-01', { 'illegal-construction': 'U-GH-01' }),
        feature('G-2', '二号网格', { type: 'MultiPolygon', coordinates: [[square(120.01, 30, 0.01)], [square(120.03, 30, 0.01)]] }, 'U-JD-01'),
      ],
    };
    const first = await store.importAreas(upload);
    expect(first).to.deep.include({ created: 2, updated: 0, removed: 0 });
    expect(first.revision).to.be.greaterThan(before);
    const again = await store.importAreas(upload);
    expect(again).to.deep.include({ created: 0, updated: 2, removed: 0 });
    const areas = await store.listAreas();
    expect(areas.map((a) => [a.id, a.categoryUnits])).to.deep.equal([['G-1', { 'illegal-construction': 'U-GH-01' }], ['G-2', {}]]);
    expect(areas[1]!.bbox).to.deep.equal([120.01, 30, 120.04, 30.01]);
    expect((await store.getArea('G-2'))!.geometry.type).to.equal('MultiPolygon');
    const replaced = await store.importAreas({ type: 'FeatureCollection', features: [upload.features[1]] }, { replace: true });
    expect(replaced).to.deep.include({ created: 0, updated: 1, removed: 1 });
    expect((await store.listAreas()).map((a) => a.id)).to.deep.equal(['G-2']);
  });

  it('saves nothing when one feature is invalid or names an unknown unit or category', async () => {
    const good = feature('G-1', '一号网格', { type: 'Polygon', coordinates: [square(120, 30, 0.01)] }, 'U-JD-01');
    const open = feature('G-3', '三号网格', { type: 'Polygon', coordinates: [[[120, 30], [120.1, 30], [120.1, 30.1], [120, 30.1]]] }, 'U-JD-01');
    const geometry = await refused(store.importAreas({ type: 'FeatureCollection', features: [good, open] }));
    expect(geometry.extra.errors![0]!.message).to.match(/^feature 1 \(三号网格\): outer ring is not closed/);
    const unknownUnit = feature('G-4', '四号网格', good.geometry, 'U-XX-01');
    const unknownCategory = feature('G-5', '五号网格', good.geometry, 'U-JD-01', { 'no-such-category': 'U-JD-01' });
    const refs = await refused(store.importAreas({ type: 'FeatureCollection', features: [good, unknownUnit, unknownCategory] }));
    expect(refs.extra.errors!.map((e) => e.message)).to.deep.equal([
      'feature 1 (四号网格): unknown unit U-XX-01',
      'feature 2 (五号网格): unknown category no-such-category',
    ]);
    expect(await store.listAreas()).to.deep.equal([]);
    const duplicate = await refused(store.importAreas({ type: 'FeatureCollection', features: [good, good] }));
    expect(duplicate.extra.errors![0]!.message).to.match(/area id G-1 is already used by feature 0/);
  });

  it('tells listeners about every committed write', async () => {
    let calls = 0;
    const off = store.onChange(() => calls++);
    await store.saveUnit({ id: 'U-SR-01', name: '市容环卫执法中队' });
    off();
    await store.saveUnit({ id: 'U-SR-02', name: '市容环卫执法二中队' });
    expect(calls).to.equal(1);
  });
});
