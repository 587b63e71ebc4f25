/**
 * The names behind the ids a case's history mentions — who acted (usernames) and what the
 * API-filled selects chose (an inspector, an officer, a unit) — so the case view reads
 * "办理人: 张三 · 责任单位: 城东街道执法中队", not "dispatcher1 · U-JD-01". Read from the accounts
 * and units tables in two keyed queries; an id with no row (a deleted account) stays an id.
 */
import type { DataSource } from 'typeorm';
import { fieldLabels } from '../forms/index.js';
import type { CaseEventRow, CaseRow } from './entities.js';
import type { TaskRow } from '../tasks/entities.js';

export interface CaseNames {
  people: Record<string, string>;
  units: Record<string, string>;
}

export const caseNamesSchema = {
  type: 'object',
  description: 'display names of the usernames and unit ids the case and its history mention',
  properties: {
    people: { type: 'object', additionalProperties: { type: 'string' } },
    units: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

/** Form fields whose values are usernames or unit ids (from the forms, read once). */
let namedFields: { people: Set<string>; units: Set<string> } | null = null;
function fieldsNaming() {
  if (!namedFields) {
    const labels = Object.entries(fieldLabels());
    namedFields = {
      people: new Set(labels.filter(([, l]) => l.names === 'person').map(([key]) => key)),
      units: new Set(labels.filter(([, l]) => l.names === 'unit').map(([key]) => key)),
    };
  }
  return namedFields;
}

const maxIds = 200;

/** Keys of the claim / give-back / 转派 events that hold usernames (record-hooks.ts). */
const assignmentKeys = new Set(['assignee', 'previousAssignee']);

/** Display names of these usernames (at most 200), for lists that show who holds a task. */
export function peopleNames(ds: DataSource, usernames: Iterable<string | null | undefined>): Promise<Record<string, string>> {
  const set = new Set<string>();
  for (const u of usernames) if (typeof u === 'string' && u) set.add(u);
  return lookUp(ds, (marks) => `SELECT username AS k, display_name AS v FROM identity_account WHERE username IN (${marks})`, set);
}

async function lookUp(ds: DataSource, sql: (marks: string) => string, ids: Set<string>): Promise<Record<string, string>> {
  const list = [...ids].filter((id) => id.length <= 64).slice(0, maxIds);
  if (!list.length) return {};
  const rows = await ds.query(sql(list.map(() => '?').join(', ')), list) as { k: string; v: string }[];
  return Object.fromEntries(rows.map((r) => [String(r.k), String(r.v)]));
}

export async function caseNames(ds: DataSource, row: CaseRow, timeline: CaseEventRow[], tasks: TaskRow[]): Promise<CaseNames> {
  const fields = fieldsNaming();
  const people = new Set<string>();
  const units = new Set<string>();
  const add = (set: Set<string>, value: unknown) => {
    if (typeof value === 'string' && value) set.add(value);
  };
  add(people, row.createdBy);
  add(people, row.inspector);
  add(people, row.officer);
  add(units, row.unitId);
  for (const task of tasks) {
    add(people, task.assignee);
    add(people, task.completedBy);
  }
  for (const event of timeline) {
    add(people, event.actor);
    const data = event.data as { variables?: Record<string, unknown> } | Record<string, unknown> | null;
    const values = (data && typeof data === 'object' && 'variables' in data ? data.variables : data) as Record<string, unknown> | null;
    if (!values || typeof values !== 'object') continue;
    for (const [key, value] of Object.entries(values)) {
      if (fields.people.has(key) || (event.type.startsWith('task.') && assignmentKeys.has(key))) add(people, value);
      if (key === 'returnedTo' && Array.isArray(value)) for (const group of value) if (typeof group === 'string' && group.startsWith('unit-lead:')) add(units, group.slice('unit-lead:'.length));
      if (fields.units.has(key)) add(units, value);
    }
  }
  const [peopleNames, unitNames] = await Promise.all([
    lookUp(ds, (marks) => `SELECT username AS k, display_name AS v FROM identity_account WHERE username IN (${marks})`, people),
    lookUp(ds, (marks) => `SELECT id AS k, name AS v FROM unit WHERE id IN (${marks})`, units),
  ]);
  return { people: peopleNames, units: unitNames };
}
