// The unit-assign worker with no engine: runJob against a real units store on a test database.
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { createUnitDirectory, createUnitStore, type UnitStore } from '../../units/index.js';
import { runJob, type JobContext, type JobResult } from '../contract.js';
import { createUnitAssignWorker, type WorkloadFn } from './index.js';

const square = (x: number, y: number, s: number): number[][] => [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]];

function job(suggest: string | undefined): JobContext {
  return {
    jobKey: `k-${Math.random()}`, type: 'unit-assign', processInstanceKey: 'pi-1', bpmnProcessId: 'enforcement-case', processVersion: 1,
    elementId: suggest === 'officer' ? 'suggestOfficer' : 'suggestUnit', headers: suggest === undefined ? {} : { suggest }, retries: 3,
  };
}

function output(result: JobResult): Record<string, unknown> {
  expect(result.kind, JSON.stringify(result)).to.equal('complete');
  return (result as { variables: Record<string, unknown> }).variables;
}

describe('unit-assign worker', () => {
  let db: TestDatabase;
  let store: UnitStore;
  // Monday 2026-11-23, 10:00 in Shanghai.
  const now = () => new Date('2026-11-23T02:00:00Z');
  const workload: WorkloadFn = async (usernames) => new Map(usernames.map((u) => [u, u === 'zhangwei' ? 3 : 1]));

  beforeEach(async () => {
    db = await createTestDatabase();
    store = createUnitStore(db.dataSource);
    await store.saveUnit({ id: 'U-JD-01', name: '城东街道执法中队' });
    await store.saveUnit({ id: 'U-GH-01', name: '规划执法大队', kind: 'specialist' });
    await store.saveCategory({ code: 'street-vending', nameZh: '占道经营', nameEn: 'Street vending', timeLimitHours: 24 });
    await store.saveCategory({ code: 'illegal-construction', nameZh: '违法建设', nameEn: 'Illegal construction', timeLimitHours: 72, overrideUnitId: 'U-GH-01' });
    await store.importAreas({ type: 'FeatureCollection', features: [
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(120.2, 30.27, 0.01)] }, properties: { id: 'G-1', name: '一号网格', unitId: 'U-JD-01' } },
    ] });
    await store.saveOfficer({ username: 'zhangwei', displayName: '张伟', unitId: 'U-JD-01', dutyWeekdays: [1, 2, 3, 4, 5] });
    await store.saveOfficer({ username: 'lina', displayName: '李娜', unitId: 'U-JD-01', dutyWeekdays: [1, 2, 3, 4, 5] });
    await store.saveOfficer({ username: 'wanggang', displayName: '王刚', unitId: 'U-JD-01', dutyWeekdays: [6, 7] });
    await store.updateOfficerPosition('lina', { lng: 120.205, lat: 30.275, at: now().toISOString() });
  });

  afterEach(async () => {
    await db.drop();
  });

  it('suggests the unit by area and by category override', async () => {
    const worker = createUnitAssignWorker({ units: createUnitDirectory({ store }), workload, now });
    const byArea = output(await runJob(worker, { location: { lng: 120.205, lat: 30.275 }, category: 'street-vending' }, job('unit')));
    expect(byArea.suggestedUnitId).to.equal('U-JD-01');
    expect(byArea.unitCandidates).to.deep.equal([{ unitId: 'U-JD-01', name: '城东街道执法中队', reason: byArea.unitSuggestionReason }]);
    expect(Object.keys(byArea).sort()).to.deep.equal(['suggestedAreaId', 'suggestedUnitId', 'unitCandidates', 'unitSuggestionReason']);
    expect(byArea.suggestedAreaId).to.be.a('string').and.not.equal('');
    const override = output(await runJob(worker, { location: { lng: 120.205, lat: 30.275 }, category: 'illegal-construction' }, job('unit')));
    expect(override.suggestedUnitId).to.equal('U-GH-01');
  });

  it('completes with a reason for bad input instead of failing', async () => {
    const worker = createUnitAssignWorker({ units: createUnitDirectory({ store }), workload, now });
    for (const variables of [{ location: { lng: 999, lat: 30 }, category: 'street-vending' }, { location: 'here', category: 7 }, {}, { location: null, category: 'ufo' }]) {
      const out = output(await runJob(worker, variables, job('unit')));
      expect(out.suggestedUnitId).to.equal(null);
      expect(out.unitSuggestionReason).to.be.a('string').and.not.equal('');
    }
    const noUnit = output(await runJob(worker, { unitId: null }, job('officer')));
    expect(noUnit).to.deep.include({ suggestedOfficer: null, officerCandidates: [] });
    const unknownUnit = output(await runJob(worker, { unitId: 'U-XX-09' }, job('officer')));
    expect(unknownUnit.officerSuggestionReason).to.equal('未知的责任单位“U-XX-09”，无法推荐执法队员。');
  });

  it('suggests the on-duty officer with the fewest open tasks', async () => {
    let asked: string[] = [];
    const worker = createUnitAssignWorker({ units: createUnitDirectory({ store }), workload: async (u) => { asked = u; return workload(u); }, now });
    const out = output(await runJob(worker, { unitId: 'U-JD-01', location: { lng: 120.205, lat: 30.2751 } }, job('officer')));
    expect(asked.sort()).to.deep.equal(['lina', 'wanggang', 'zhangwei']);
    expect(out.suggestedOfficer).to.equal('lina');
    expect((out.officerCandidates as { username: string }[]).map((c) => c.username)).to.deep.equal(['lina', 'zhangwei', 'wanggang']);
    expect((out.officerCandidates as unknown[])[0]).to.deep.equal({ username: 'lina', name: '李娜', openTasks: 1, onDuty: true, distanceM: 11, reason: '今日在岗，待办 1 件，距现场约 11 米' });
  });

  it('sees area changes made through the store at once', async () => {
    const worker = createUnitAssignWorker({ units: createUnitDirectory({ store, refreshIntervalMs: 60_000 }), workload, now });
    const at = { location: { lng: 120.25, lat: 30.275 }, category: 'street-vending' };
    expect(output(await runJob(worker, at, job('unit'))).suggestedUnitId).to.equal(null);
    await store.importAreas({ type: 'FeatureCollection', features: [
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(120.24, 30.27, 0.02)] }, properties: { id: 'G-2', name: '二号网格', unitId: 'U-GH-01' } },
    ] });
    expect(output(await runJob(worker, at, job('unit'))).suggestedUnitId).to.equal('U-GH-01');
  });

  it('sees changes made by another process once the refresh interval has passed', async () => {
    let clock = 0;
    const directory = createUnitDirectory({ store, refreshIntervalMs: 1000, now: () => clock });
    const worker = createUnitAssignWorker({ units: directory, workload, now });
    const at = { location: { lng: 120.25, lat: 30.275 }, category: 'street-vending' };
    expect(output(await runJob(worker, at, job('unit'))).suggestedUnitId).to.equal(null);
    // Another process: its own store on the same database, no in-process notification.
    await createUnitStore(db.dataSource).importAreas({ type: 'FeatureCollection', features: [
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(120.24, 30.27, 0.02)] }, properties: { id: 'G-2', name: '二号网格', unitId: 'U-GH-01' } },
    ] });
    clock = 500;
    expect(output(await runJob(worker, at, job('unit'))).suggestedUnitId).to.equal(null);
    clock = 1500;
    expect(output(await runJob(worker, at, job('unit'))).suggestedUnitId).to.equal('U-GH-01');
  });

  it('fails (to be retried) on a bad header or when the workload cannot be counted', async () => {
    const worker = createUnitAssignWorker({ units: createUnitDirectory({ store }), workload: async () => { throw new Error('db down'); }, now });
    expect(await runJob(worker, { unitId: 'U-JD-01' }, job(undefined))).to.deep.include({ kind: 'fail', permanent: false });
    const failed = await runJob(worker, { unitId: 'U-JD-01' }, job('officer'));
    expect(failed).to.deep.include({ kind: 'fail', permanent: false });
    expect((failed as { message: string }).message).to.equal('unit-assign: could not count open tasks: db down');
  });
});
