/**
 * What leaves the API about a case: explicit field lists, so a new column never leaks, and
 * the response schemas the OpenAPI document publishes.
 */
import type { CaseEventRow, CaseRow } from './entities.js';
import type { TaskRow } from '../tasks/entities.js';
import { caseNamesSchema } from './names.js';

export const caseSummarySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, number: { type: 'string' }, source: { type: 'string' }, category: { type: 'string' },
    description: { type: 'string' }, address: { type: 'string' },
    location: { anyOf: [{ type: 'object', properties: { lng: { type: 'number' }, lat: { type: 'number' } } }, { type: 'null' }] },
    reporterPhone: { type: ['string', 'null'] }, status: { type: 'string', enum: ['open', 'closed', 'dismissed', 'canceled'] },
    currentStep: { type: ['string', 'null'] }, unitId: { type: ['string', 'null'] }, areaId: { type: ['string', 'null'] }, relatedCaseId: { type: ['string', 'null'] }, rounds: { type: 'integer' },
    processVersion: { type: 'integer' }, createdBy: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' }, closedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

export const caseEventSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, actor: { type: ['string', 'null'] }, type: { type: 'string' },
    elementId: { type: ['string', 'null'] }, taskId: { type: ['string', 'null'] }, round: { type: 'integer' }, data: {},
  },
} as const;

export const caseTaskSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, elementId: { type: 'string' }, name: { type: ['string', 'null'] }, formId: { type: ['string', 'null'] },
    assignee: { type: ['string', 'null'] }, state: { type: 'string' }, round: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' }, completedAt: { type: ['string', 'null'], format: 'date-time' },
    completedBy: { type: ['string', 'null'] }, formData: {},
  },
} as const;

export const caseDetailSchema = {
  type: 'object',
  properties: {
    case: caseSummarySchema,
    timeline: { type: 'array', items: caseEventSchema },
    rounds: { type: 'array', items: { type: 'object', properties: { round: { type: 'integer' }, tasks: { type: 'array', items: caseTaskSchema } } } },
    names: caseNamesSchema,
  },
} as const;

export function presentCase(row: CaseRow) {
  return {
    id: row.id, number: row.number, source: row.source, category: row.category, description: row.description, address: row.address,
    location: row.lng === null || row.lat === null ? null : { lng: row.lng, lat: row.lat }, reporterPhone: row.reporterPhone,
    status: row.status, currentStep: row.currentStep, unitId: row.unitId, areaId: row.areaId ?? null, relatedCaseId: row.relatedCaseId ?? null, rounds: row.rounds, processVersion: row.processVersion,
    createdBy: row.createdBy, createdAt: row.createdAt, updatedAt: row.updatedAt, closedAt: row.closedAt,
  };
}

export function presentEvent(row: CaseEventRow) {
  return { id: row.id, at: row.at, actor: row.actor, type: row.type, elementId: row.elementId, taskId: row.taskId, round: row.round, data: row.data };
}

export function presentCaseTask(row: TaskRow) {
  return {
    id: row.id, elementId: row.elementId, name: row.name, formId: row.formId, assignee: row.assignee, state: row.state, round: row.round,
    createdAt: row.createdAt, completedAt: row.completedAt, completedBy: row.completedBy, formData: row.formData,
  };
}

/** The case's tasks grouped by dispatch round (round 0 is verification before any dispatch). */
export function groupByRound(tasks: TaskRow[]) {
  const rounds = new Map<number, ReturnType<typeof presentCaseTask>[]>();
  for (const task of [...tasks].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    const list = rounds.get(task.round) ?? [];
    list.push(presentCaseTask(task));
    rounds.set(task.round, list);
  }
  return [...rounds.entries()].sort(([a], [b]) => a - b).map(([round, list]) => ({ round, tasks: list }));
}
