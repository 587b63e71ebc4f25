/**
 * 案件位置: PUT /api/cases/:id/location sets or corrects where a case is — the dispatcher placing
 * it on the map, the inspector on site (current position, a photo's GPS). One transaction with
 * the engine's commit: the case row (point and the area containing it), a `case.located` event
 * in the timeline, and the process variable `location`; while the case has not yet been
 * dispatched (at or before 派遣) the unit suggestion is computed again from the new point, the
 * way the unit-assign worker computes it, so the 派遣 form shows the right unit.
 */
import { In, type DataSource } from 'typeorm';
import type { ApiRegistry } from '../api/src/http/route.js';
import type { Principal } from '../api/src/http/principal.js';
import type { WorkflowEngine } from '../engine/port.js';
import { DomainError } from '../errors/index.js';
import { TaskEntity } from '../tasks/entities.js';
import { areaAt, suggestUnit, type UnitDirectory, type UnitSuggestionOptions } from '../units/index.js';
import { CaseEntity, CaseEventEntity, type CaseEventRow } from './entities.js';
import { caseNames } from './names.js';
import { assertCanSeeCase, seesAllCases } from './policy.js';
import { caseDetailSchema, groupByRound, presentCase, presentEvent } from './presenter.js';
import type { CaseService } from './service.js';

/** The bounds of a point in China (a swapped longitude / latitude falls outside). */
export const chinaBounds = { minLng: 73, maxLng: 136, minLat: 3, maxLat: 54 } as const;

export const caseLocationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['lng', 'lat'],
  properties: {
    lng: { type: 'number', minimum: chinaBounds.minLng, maximum: chinaBounds.maxLng, description: '经度 (WGS-84), within China' },
    lat: { type: 'number', minimum: chinaBounds.minLat, maximum: chinaBounds.maxLat, description: '纬度 (WGS-84), within China' },
    source: { type: 'string', enum: ['map', 'place', 'gps', 'photo'], description: 'how the point was found: clicked on the map, a named area, the device position, a photo\'s GPS' },
  },
} as const;

export interface CaseLocationBody { lng: number; lat: number; source?: 'map' | 'place' | 'gps' | 'photo' }

/** The tasks whose holder may correct the location on site: 现场核实 and 核查. */
export const onSiteTasks = ['verifyReport', 'recheck'];
/** Where the case still waits for (or is at) 派遣: the unit suggestion is refreshed. */
const beforeDispatch = new Set(['assignInspector', 'verifyReport', 'dispatchToUnit']);

const problem = { description: 'problem', contentType: 'application/problem+json', schema: { $ref: '#/components/schemas/Problem' } };
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', minLength: 1, maxLength: 36 } } };

export interface CaseLocationDeps {
  dataSource: DataSource;
  cases: CaseService;
  engine: WorkflowEngine;
  units: UnitDirectory;
  suggestion?: UnitSuggestionOptions;
}

async function assertMayLocate(ds: DataSource, principal: Principal, caseId: string): Promise<void> {
  if (seesAllCases(principal)) return;
  const held = await ds.getRepository(TaskEntity).count({ where: { caseId, assignee: principal.username, state: 'created', elementId: In(onSiteTasks) } });
  if (held === 0) throw new DomainError('case.location_forbidden', `${principal.username} holds no open verification or re-check task of case ${caseId}`);
}

export function registerCaseLocationRoute(registry: ApiRegistry, deps: CaseLocationDeps): void {
  const { dataSource, cases, engine, units } = deps;

  registry.add<{ id: string }, Record<string, never>, CaseLocationBody>({
    method: 'put', path: '/cases/:id/location', audit: 'case.locate', tags: ['cases'],
    summary: '设置案件位置 — set or correct where a case is (dispatcher, admin, or the holder of its open 现场核实 / 核查 task)',
    params: idParams, body: caseLocationSchema as unknown as Record<string, unknown>,
    responses: { 200: { description: 'the case with its timeline', schema: caseDetailSchema }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
    async handler(ctx, { params, body, principal }) {
      const row = await cases.get(params.id);
      await assertCanSeeCase(dataSource, principal, row);
      await assertMayLocate(dataSource, principal, row.id);
      if (row.status !== 'open') throw new DomainError('case.not_open', `case ${row.number} is ${row.status}`);
      const location = { lng: body.lng, lat: body.lat };
      const snapshot = await units.snapshot();
      const areaId = areaAt(snapshot, location.lng, location.lat)?.id ?? null;
      const refresh = row.currentStep === null || beforeDispatch.has(row.currentStep);
      const suggestion = refresh ? suggestUnit(snapshot, { location, category: row.category }, deps.suggestion) : null;
      const previous = row.lng !== null && row.lat !== null ? { lng: Number(row.lng), lat: Number(row.lat) } : null;
      const now = new Date();
      await engine.setVariables(row.processInstanceKey, { location, ...(suggestion ?? {}) }, {
        within: async (tx) => {
          await tx.getRepository(CaseEntity).update({ id: row.id }, { lng: location.lng, lat: location.lat, areaId, updatedAt: now });
          const event: Omit<CaseEventRow, 'id'> = {
            caseId: row.id, at: now, actor: principal.username, type: 'case.located', elementId: null, taskId: null, round: row.rounds,
            data: {
              location, previous, source: body.source ?? null, areaId,
              ...(suggestion ? { suggestedUnitId: suggestion.suggestedUnitId, unitSuggestionReason: suggestion.unitSuggestionReason } : {}),
            },
          };
          await tx.getRepository(CaseEventEntity).insert(event as never);
        },
      });
      const updated = await cases.get(row.id);
      const [timeline, tasks] = await Promise.all([cases.timeline(row.id), dataSource.getRepository(TaskEntity).find({ where: { caseId: row.id } })]);
      ctx.body = { case: presentCase(updated), timeline: timeline.map(presentEvent), rounds: groupByRound(tasks), names: await caseNames(dataSource, updated, timeline, tasks) };
    },
  });
}
