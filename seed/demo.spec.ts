// The demo seed on a real test database: idempotent, valid geometry, and known points resolve
// to the expected units through the same index the unit-assign worker uses.
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { buildSnapshot, createUnitStore, suggestUnit, validateGeometry, type AssignmentSnapshot } from '../units/index.js';
import { demoAccounts, demoAreas, demoGrid, lake, parkCell, seedDemoData } from './demo.js';

describe('demo seed', () => {
  let db: TestDatabase;
  let snapshot: AssignmentSnapshot;

  before(async () => {
    db = await createTestDatabase();
    const first = await seedDemoData(db.dataSource);
    expect(first).to.deep.equal({ seeded: true, units: 6, categories: 10, areas: 40, officers: 16, leads: 6 });
    await seedDemoData(db.dataSource);
    snapshot = buildSnapshot(await createUnitStore(db.dataSource).loadAssignmentData());
  });

  after(async () => {
    await db.drop();
  });

  it('runs twice without duplicates, and not at all with ifEmpty on a seeded database', async () => {
    const store = createUnitStore(db.dataSource);
    expect(await store.listUnits()).to.have.length(6);
    expect(await store.listCategories()).to.have.length(10);
    expect(await store.listAreas()).to.have.length(40);
    expect(await store.listOfficers()).to.have.length(16);
    expect(await store.listUnitLeads()).to.have.length(6);
    expect((await seedDemoData(db.dataSource, { ifEmpty: true })).seeded).to.equal(false);
  });

  it('has valid geometry and someone on duty in every unit every day', async () => {
    for (const area of demoAreas()) expect(validateGeometry(area.geometry), area.id).to.deep.equal([]);
    const store = createUnitStore(db.dataSource);
    for (const date of ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']) {
      for (const unit of await store.listUnits()) {
        const onDuty = (await store.officersOnDate(unit.id, date)).filter((o) => o.onDuty);
        expect(onDuty.length, `${unit.id} on ${date}`).to.be.at.least(1);
      }
    }
  });

  it('resolves known points to the expected units', () => {
    const { originLng, originLat, cell } = demoGrid;
    const centre = (column: number, row: number) => ({ lng: originLng + (column + 0.5) * cell, lat: originLat + (row + 0.5) * cell });
    const at = (location: unknown, category: string) => suggestUnit(snapshot, { location, category });
    expect(at(centre(0, 0), 'street-vending').suggestedUnitId).to.equal('U-JD-02');
    expect(at(centre(5, 5), 'street-vending').suggestedUnitId).to.equal('U-JD-01');
    expect(at(centre(5, 5), 'street-vending').unitSuggestionReason).to.equal('案件位于网格“城东街道第18网格”，由该区域的责任单位城东街道执法中队负责。');
    expect(at(centre(1, 2), 'illegal-construction').suggestedUnitId).to.equal('U-GH-01');
    expect(at(centre(1, 2), 'noise').suggestedUnitId).to.equal('U-HB-01');
    expect(at(centre(1, 2), 'muck-spill').suggestedUnitId).to.equal('U-SR-01');
    // The park cell sends greenery damage to the greenery unit; its lake (a hole) falls to the street.
    expect(at({ lng: centre(parkCell.column, parkCell.row).lng + 0.0015, lat: centre(parkCell.column, parkCell.row).lat + 0.0015 }, 'greenery-damage').suggestedUnitId).to.equal('U-YL-01');
    const inLake = at({ lng: lake.lng, lat: lake.lat }, 'street-vending');
    expect(inLake.suggestedUnitId).to.equal('U-JD-01');
    expect(inLake.unitSuggestionReason).to.match(/街道“城东街道”/);
    // On the street border between 城西 and 城东 (lng 120.200): the dispatcher chooses.
    const border = at({ lng: 120.20001, lat: 30.2675 }, 'street-vending');
    expect(border.suggestedUnitId).to.equal(null);
    expect(border.unitCandidates.map((c) => c.unitId)).to.have.members(['U-JD-01', 'U-JD-02']);
    expect(at({ lng: 120.226, lat: 30.27 }, 'street-vending').suggestedUnitId).to.equal('U-JD-01');
    expect(at({ lng: 120.19, lat: 30.2515 }, 'street-vending').suggestedUnitId).to.equal('U-YL-01');
  });

  it('lists an account for every officer and lead', () => {
    expect(demoAccounts).to.have.length(22);
    expect(new Set(demoAccounts.map((a) => a.username)).size).to.equal(22);
    expect(demoAccounts.filter((a) => a.role === 'unit-lead').map((a) => a.unitId)).to.have.members(['U-JD-01', 'U-JD-02', 'U-GH-01', 'U-SR-01', 'U-YL-01', 'U-HB-01']);
    for (const a of demoAccounts) expect(a.phone).to.match(/^1\d{10}$/);
  });
});
