// Unit and officer suggestion rules on an in-memory snapshot (no database, no engine).
import { expect } from 'chai';
import { buildSnapshot, type AssignmentSnapshot } from './area-index.js';
import { suggestUnit } from './unit-suggestion.js';
import { suggestOfficer } from './officer-suggestion.js';
import { bboxOf, type AreaGeometry } from './geometry.js';
import type { CategoryRow, UnitRow } from './entities.js';
import type { OfficerDuty } from './store.js';

const square = (x: number, y: number, s: number): number[][] => [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]];
const unit = (id: string, name: string): UnitRow => ({ id, name, kind: 'street', phone: null, active: true });
const category = (code: string, nameZh: string, extra: Partial<CategoryRow> = {}): CategoryRow => ({
  code, nameZh, nameEn: code, defaultUnitId: null, overrideUnitId: null, timeLimitHours: 24, active: true, ...extra,
});
function area(id: string, name: string, kind: 'grid' | 'street', geometry: AreaGeometry, defaultUnitId: string | null, categoryUnits: Record<string, string> = {}) {
  const b = bboxOf(geometry);
  return { id, name, kind, geometry, defaultUnitId, categoryUnits, minLng: b.minX, minLat: b.minY, maxLng: b.maxX, maxLat: b.maxY, updatedAt: new Date() };
}

function fixtureSnapshot(): AssignmentSnapshot {
  return buildSnapshot({
    revision: 1,
    units: [unit('U-A', '甲中队'), unit('U-B', '乙中队'), unit('U-GH', '规划执法大队'), unit('U-YL', '园林绿化执法中队')],
    categories: [
      category('street-vending', '占道经营'),
      category('illegal-construction', '违法建设', { overrideUnitId: 'U-GH' }),
      category('greenery-damage', '绿化损坏', { defaultUnitId: 'U-YL' }),
    ],
    areas: [
      area('S', '示范街道', 'street', { type: 'Polygon', coordinates: [square(120, 30, 0.02)] }, 'U-A'),
      area('A', '甲网格', 'grid', { type: 'Polygon', coordinates: [square(120, 30, 0.01)] }, 'U-A'),
      area('B', '乙网格', 'grid', { type: 'Polygon', coordinates: [square(120.01, 30, 0.01)] }, 'U-B'),
      area('C', '丙网格', 'grid', { type: 'Polygon', coordinates: [square(120, 30.01, 0.01)] }, 'U-A'),
      area('P', '公园网格', 'grid', { type: 'Polygon', coordinates: [square(120.01, 30.01, 0.01), square(120.014, 30.014, 0.002)] }, 'U-B', { 'greenery-damage': 'U-YL' }),
      area('O1', '重叠一', 'grid', { type: 'Polygon', coordinates: [square(121, 31, 0.01)] }, 'U-A'),
      area('O2', '重叠二', 'grid', { type: 'Polygon', coordinates: [square(121.005, 31, 0.01)] }, 'U-B'),
    ],
  });
}

describe('unit suggestion', () => {
  const snapshot = fixtureSnapshot();
  const ids = (s: ReturnType<typeof suggestUnit>) => s.unitCandidates.map((c) => c.unitId);

  it('never reads a category code off Object.prototype (constructor, toString, __proto__)', () => {
    for (const category of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const s = suggestUnit(snapshot, { location: { lng: 120.005, lat: 30.005 }, category });
      for (const c of s.unitCandidates) expect([typeof c.unitId, typeof c.name], category).to.deep.equal(['string', 'string']);
      expect(s.unitSuggestionReason, category).not.to.match(/function|native code|\[object/);
    }
  });

  it('suggests the unit of the grid cell containing the point', () => {
    const s = suggestUnit(snapshot, { location: { lng: 120.005, lat: 30.005 }, category: 'street-vending' });
    expect(s.suggestedUnitId).to.equal('U-A');
    expect(s.suggestedAreaId).to.equal('A');
    expect(s.unitSuggestionReason).to.equal('案件位于网格“甲网格”，由该区域的责任单位甲中队负责。');
    expect(s.unitCandidates).to.deep.equal([{ unitId: 'U-A', name: '甲中队', reason: s.unitSuggestionReason }]);
  });

  it('lets a category override win wherever the case is, even without a location', () => {
    for (const location of [{ lng: 120.015, lat: 30.005 }, null]) {
      const s = suggestUnit(snapshot, { location, category: 'illegal-construction' });
      expect(s.suggestedUnitId).to.equal('U-GH');
      expect(s.unitSuggestionReason).to.match(/“违法建设”类案件统一由规划执法大队办理（类别指定/);
    }
  });

  it('uses the area unit for the category, and treats a point in a hole as outside the cell', () => {
    const inPark = suggestUnit(snapshot, { location: { lng: 120.012, lat: 30.012 }, category: 'greenery-damage' });
    expect(inPark.suggestedUnitId).to.equal('U-YL');
    expect(inPark.unitSuggestionReason).to.match(/网格“公园网格”，该区域的“绿化损坏”类案件由园林绿化执法中队负责/);
    expect(suggestUnit(snapshot, { location: { lng: 120.012, lat: 30.012 }, category: 'street-vending' }).suggestedUnitId).to.equal('U-B');
    const inLake = suggestUnit(snapshot, { location: { lng: 120.015, lat: 30.015 }, category: 'street-vending' });
    expect(inLake.suggestedUnitId).to.equal('U-A');
    expect(inLake.unitSuggestionReason).to.match(/街道“示范街道”/);
  });

  it('sends a point on the border between units to the dispatcher with both candidates', () => {
    // ~2 m east of the edge between 甲网格 (U-A) and 乙网格 (U-B).
    const s = suggestUnit(snapshot, { location: { lng: 120.01002, lat: 30.005 }, category: 'street-vending' });
    expect(s.suggestedUnitId).to.equal(null);
    expect(ids(s)).to.have.members(['U-A', 'U-B']);
    expect(s.unitSuggestionReason).to.match(/交界处（距边界约 2 米），两侧责任单位不同，请派遣员选择/);
    // 20 m away from the edge is not a border case.
    expect(suggestUnit(snapshot, { location: { lng: 120.0102, lat: 30.005 }, category: 'street-vending' }).suggestedUnitId).to.equal('U-B');
  });

  it('still suggests on a border between cells of the same unit', () => {
    const s = suggestUnit(snapshot, { location: { lng: 120.005, lat: 30.01001 }, category: 'street-vending' });
    expect(s.suggestedUnitId).to.equal('U-A');
    expect(s.unitSuggestionReason).to.match(/交界处，均属甲中队/);
  });

  it('refuses to choose between overlapping areas of different units', () => {
    const s = suggestUnit(snapshot, { location: { lng: 121.007, lat: 31.005 }, category: 'street-vending' });
    expect(s.suggestedUnitId).to.equal(null);
    expect(ids(s)).to.have.members(['U-A', 'U-B']);
    expect(s.unitSuggestionReason).to.match(/相互重叠/);
  });

  it('lists the nearest areas for a point outside every area', () => {
    const s = suggestUnit(snapshot, { location: { lng: 120.0205, lat: 30.005 }, category: 'street-vending' });
    expect(s.suggestedUnitId).to.equal(null);
    expect(ids(s)).to.include('U-B');
    expect(s.unitSuggestionReason).to.match(/^案件位置不在任何责任区域内，最近的是.*（约 48 米）/);
    const far = suggestUnit(snapshot, { location: { lng: 10, lat: 10 }, category: 'greenery-damage' });
    expect(far).to.deep.include({ suggestedUnitId: null });
    expect(ids(far)).to.deep.equal(['U-YL']);
    expect(far.unitSuggestionReason).to.match(/附近也没有区域/);
  });

  it('answers an unknown category or invalid coordinates with a reason, not an error', () => {
    const unknown = suggestUnit(snapshot, { location: { lng: 120.005, lat: 30.005 }, category: 'flying-saucer' });
    expect(unknown.suggestedUnitId).to.equal(null);
    expect(ids(unknown)).to.deep.equal(['U-A']);
    expect(unknown.unitSuggestionReason).to.equal('未知的案件类别“flying-saucer”，无法按类别确定责任单位；案件位于网格“甲网格”，请派遣员选择责任单位。');
    for (const location of [{ lng: 200, lat: 30 }, { lng: 'x', lat: 30 }, { lng: Number.NaN, lat: 1 }, 'somewhere', 42]) {
      const s = suggestUnit(snapshot, { location, category: 'street-vending' });
      expect(s.suggestedUnitId).to.equal(null);
      expect(s.unitSuggestionReason).to.match(/案件位置坐标无效/);
    }
    const none = suggestUnit(snapshot, { location: null, category: 'greenery-damage' });
    expect(ids(none)).to.deep.equal(['U-YL']);
    expect(none.unitSuggestionReason).to.match(/没有位置信息/);
  });
});

describe('officer suggestion', () => {
  const now = new Date('2026-11-23T02:00:00Z');
  const officer = (username: string, onDuty: boolean, position: [number, number] | null, at = now): OfficerDuty => ({
    username, displayName: username.toUpperCase(), unitId: 'U-A', phone: null, dutyWeekdays: [], active: true, onDuty, shifts: onDuty ? ['full'] : [],
    lastLng: position?.[0] ?? null, lastLat: position?.[1] ?? null, lastPositionAt: position ? at : null,
  });
  const site = { lng: 120.2, lat: 30.27 };

  it('prefers on duty, then fewest open tasks, then nearest', () => {
    const officers = [
      officer('off', false, [120.2, 30.27]),
      officer('busy', true, [120.2, 30.27]),
      officer('far', true, [120.21, 30.27]),
      officer('near', true, [120.201, 30.27]),
      officer('unknown', true, null),
    ];
    const workload = new Map([['off', 0], ['busy', 5], ['far', 1], ['near', 1], ['unknown', 1]]);
    const s = suggestOfficer('甲中队', officers, workload, site, now);
    expect(s.suggestedOfficer).to.equal('near');
    expect(s.officerCandidates.map((c) => c.username)).to.deep.equal(['near', 'far', 'unknown', 'busy', 'off']);
    expect(s.officerCandidates[0]).to.deep.equal({ username: 'near', name: 'NEAR', openTasks: 1, onDuty: true, distanceM: 96, reason: '今日在岗，待办 1 件，距现场约 96 米' });
    expect(s.officerSuggestionReason).to.equal('推荐NEAR：待办最少（1 件）的在岗队员中离现场最近（约 96 米）。');
  });

  it('ignores stale positions and suggests nobody when no one is on duty', () => {
    const stale = officer('stale', true, [120.2, 30.27], new Date('2026-11-20T00:00:00Z'));
    expect(suggestOfficer('甲中队', [stale], new Map(), site, now).officerCandidates[0]).to.deep.include({ distanceM: null, reason: '今日在岗，待办 0 件，无近期位置' });
    const s = suggestOfficer('甲中队', [officer('a', false, null)], new Map(), null, now);
    expect(s.suggestedOfficer).to.equal(null);
    expect(s.officerSuggestionReason).to.equal('甲中队今日没有在岗队员，请单位负责人选择。');
    expect(suggestOfficer('甲中队', [], new Map(), site, now).officerSuggestionReason).to.match(/没有在册的执法队员/);
  });
});
