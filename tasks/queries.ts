/**
 * The lists of the signed-in user, straight from the platform's records:
 *  - 待办 todo: open tasks assigned to me, or unassigned and offered to one of my groups (by task:
 *    each is something to do);
 *  - 已办 done: cases I worked on that are still open, one item per case with my part in it;
 *  - 办结 closed: cases I worked on that have ended, likewise.
 * Every list is read off index ranges in order, newest first (`taskViewQueries` gives the
 * queries to the EXPLAIN test): 待办 is the assigned range plus one range per candidate group,
 * merged here; 已办 / 办结 are one range of task_person_case (person, case_open, last_done_at).
 */
import type { DataSource } from 'typeorm';
import type { Principal } from '../api/src/http/principal.js';
import type { PersonStep } from './entities.js';

export type TaskView = 'todo' | 'done' | 'closed';

export interface TaskListItem {
  id: string;
  caseId: string;
  caseNumber: string;
  caseStatus: string;
  category: string;
  address: string;
  description: string;
  elementId: string;
  name: string | null;
  formId: string | null;
  assignee: string | null;
  state: string;
  round: number;
  createdAt: Date;
  completedAt: Date | null;
}

/** An item of 已办 / 办结: a case, with what I did in it. */
export interface CaseListItem {
  caseId: string;
  caseNumber: string;
  caseStatus: string;
  category: string;
  address: string;
  description: string;
  /** The step the case stands at (null once it ended), and that step's name. */
  currentStep: string | null;
  currentStepName: string | null;
  rounds: number;
  closedAt: Date | null;
  /** When I last completed a task of the case. */
  lastDoneAt: Date;
  /** How many of its tasks I completed, and which steps, in the order I first did each. */
  myTaskCount: number;
  mySteps: PersonStep[];
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export function candidateKeys(principal: Principal): string[] {
  return [...principal.groups.map((g) => `group:${g}`), `user:${principal.username}`];
}

/** One SQL statement with `?` placeholders (the same text runs on SQLite and MySQL/MariaDB). */
export interface SqlQuery {
  sql: string;
  params: (string | number)[];
}

/**
 * Tab counts and list totals are counted up to this many rows: a dispatcher with 50,000 tasks in
 * 办结 sees "1000+", and the count costs at most this many index entries, not the whole range.
 */
export const countCap = 1000;

/*
 * The lists are the platform's hottest reads (every page polls them), so they are plain SQL
 * held as constant strings: the ORM's query builder cost more CPU per request than the index
 * reads themselves. Columns are the tables' own (see tasks/entities.ts).
 */
const itemColumns = `t.id AS id, t.case_id AS caseId, c.number AS caseNumber, c.status AS caseStatus, c.category AS category, c.address AS address,
  c.description AS description, t.element_id AS elementId, t.name AS name, t.form_id AS formId, t.assignee AS assignee, t.state AS state, t.round AS round,
  t.created_at AS createdAt, t.completed_at AS completedAt`;
/**
 * 已办 / 办结: the page's case ids off one index range of (person, case_open, last_done_at,
 * case_id), read in order and skipped by the index alone (deep pages cost index entries, not
 * rows), then each row by its key. The join keeps no order: listCases sorts the page's rows.
 */
const casePageSql = `SELECT pg.case_id AS caseId, p.last_done_at AS lastDoneAt, p.task_count AS myTaskCount, p.steps AS mySteps,
  c.number AS caseNumber, c.status AS caseStatus, c.category AS category, c.address AS address, c.description AS description,
  c.current_step AS currentStep, c.rounds AS rounds, c.closed_at AS closedAt
  FROM (SELECT k.case_id AS case_id FROM task_person_case k WHERE k.person = ? AND k.case_open = ? ORDER BY k.last_done_at DESC, k.case_id DESC LIMIT ? OFFSET ?) pg
  INNER JOIN task_person_case p ON p.person = ? AND p.case_id = pg.case_id
  INNER JOIN case_record c ON c.id = pg.case_id`;
const assignedSql = "SELECT t.id AS id, t.created_at AS at FROM task_record t WHERE t.state = 'created' AND t.assignee = ? ORDER BY t.created_at DESC LIMIT ?";
const offeredSql = 'SELECT tc.task_id AS id, tc.created_at AS at FROM task_candidate tc WHERE tc.candidate = ? AND tc.open = 1 ORDER BY tc.created_at DESC LIMIT ?';

/**
 * The index-range query behind a view, newest first: 已办 / 办结 read their page in one
 * statement; 待办 reads the ids of each of its ranges (the assigned one and one per candidate
 * key, at most `take` each) in one statement of UNION ALL parts, merged in listTasks.
 */
export function taskViewQueries(principal: Principal, view: TaskView, take: number, skip = 0): SqlQuery[] {
  if (view !== 'todo') return [{ sql: casePageSql, params: [principal.username, view === 'done' ? 1 : 0, take, skip, principal.username] }];
  const keys = candidateKeys(principal);
  return [{
    sql: [assignedSql, ...keys.map(() => offeredSql)].map((part, i) => `SELECT r${i}.id AS id, r${i}.at AS at FROM (${part}) r${i}`).join(' UNION ALL '),
    params: [principal.username, take, ...keys.flatMap((key) => [key, take])],
  }];
}

const capped = (inner: string, alias = 'capped') => `SELECT COUNT(*) AS n FROM (${inner} LIMIT ?) ${alias}`;

/** One count (up to `countCap + 1`) of a list's range: a scalar subquery of the counting statement. */
interface CountPart { name: string; sql: string; params: (string | number)[] }

/**
 * What 待办, 已办 and 办结 count: the assigned range and each candidate key's range for 待办 (a
 * DISTINCT count over all my keys runs only when more than one key has open offers, so one task
 * might be offered to two of them), the range of my cases for the others. Each reads at most
 * `countCap + 1` index entries.
 */
function countParts(principal: Principal, view: TaskView): CountPart[] {
  const limit = countCap + 1;
  if (view !== 'todo') {
    // in the list's order, so MySQL / MariaDB count along (person, case_open) rather than filter the person's whole primary-key range
    return [{ name: view, sql: capped('SELECT 1 AS x FROM task_person_case p WHERE p.person = ? AND p.case_open = ? ORDER BY p.last_done_at DESC', `c_${view}`), params: [principal.username, view === 'done' ? 1 : 0, limit] }];
  }
  return [
    { name: 'assigned', sql: capped("SELECT 1 AS x FROM task_record t WHERE t.state = 'created' AND t.assignee = ?", 'c_assigned'), params: [principal.username, limit] },
    ...candidateKeys(principal).map((key, i) => ({ name: `offered${i}`, sql: capped('SELECT 1 AS x FROM task_candidate tc WHERE tc.candidate = ? AND tc.open = 1', `c_offered${i}`), params: [key, limit] })),
  ];
}

/** The counts of several lists in one statement (one round trip; scalar subqueries). */
function countStatement(parts: CountPart[]): SqlQuery {
  return { sql: `SELECT ${parts.map((p) => `(${p.sql}) AS ${p.name}`).join(', ')}`, params: parts.flatMap((p) => p.params) };
}

function distinctOffered(principal: Principal): SqlQuery {
  const keys = candidateKeys(principal);
  return { sql: capped(`SELECT DISTINCT tc.task_id AS x FROM task_candidate tc WHERE tc.candidate IN (${keys.map(() => '?').join(', ')}) AND tc.open = 1`), params: [...keys, countCap + 1] };
}

/** Every counting query a view may run (for the EXPLAIN test). */
export function taskCountQueries(principal: Principal, view: TaskView): SqlQuery[] {
  const parts = countParts(principal, view);
  return [countStatement(parts), ...parts.map((p) => ({ sql: p.sql, params: p.params })), ...(view === 'todo' ? [distinctOffered(principal)] : [])];
}

/** Raw queries return SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.SSS' strings (UTC). */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/Z$|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

function run<T>(ds: DataSource, query: SqlQuery): Promise<T[]> {
  return ds.query(query.sql, query.params) as Promise<T[]>;
}

async function viewIds(ds: DataSource, principal: Principal, view: TaskView, take: number): Promise<string[]> {
  const rows = (await Promise.all(taskViewQueries(principal, view, take).map((q) => run<{ id: unknown; at: unknown }>(ds, q)))).flat();
  const seen = new Map<string, number>();
  for (const row of rows) {
    const id = String(row.id);
    const at = toDate(row.at)?.getTime() ?? 0;
    seen.set(id, Math.max(seen.get(id) ?? 0, at));
  }
  return [...seen.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1)).map(([id]) => id);
}

/** A list's size, counted up to `countCap` (`capped` when there are more). */
export interface ViewCount {
  n: number;
  capped: boolean;
}

/** The sizes of some lists, counted in one statement (plus the rare DISTINCT count of 待办). */
async function countViews(ds: DataSource, principal: Principal, views: TaskView[]): Promise<Partial<Record<TaskView, ViewCount>>> {
  const parts = views.flatMap((v) => countParts(principal, v));
  const [row] = await run<Record<string, number | string>>(ds, countStatement(parts));
  const n = (name: string) => Number(row?.[name] ?? 0);
  const answer: Partial<Record<TaskView, ViewCount>> = {};
  for (const view of views) {
    let total: number;
    if (view !== 'todo') total = n(view);
    else {
      // the offered rows close when a task is claimed (assigned), so assigned and offered never overlap
      const offered = parts.filter((p) => p.name.startsWith('offered')).map((p) => n(p.name));
      const distinct = offered.filter((k) => k > 0).length > 1 ? Number((await run<{ n: number | string }>(ds, distinctOffered(principal)))[0]?.n ?? 0) : offered.reduce((a, b) => a + b, 0);
      total = n('assigned') + distinct;
    }
    answer[view] = { n: Math.min(total, countCap), capped: total > countCap };
  }
  return answer;
}

export async function countView(ds: DataSource, principal: Principal, view: TaskView): Promise<ViewCount> {
  return (await countViews(ds, principal, [view]))[view] as ViewCount;
}

export async function countTasks(ds: DataSource, principal: Principal): Promise<Record<TaskView, ViewCount>> {
  return countViews(ds, principal, ['todo', 'done', 'closed']) as Promise<Record<TaskView, ViewCount>>;
}

const pageSql = (n: number) => `SELECT ${itemColumns} FROM task_record t INNER JOIN case_record c ON c.id = t.case_id WHERE t.id IN (${Array(n).fill('?').join(', ')})`;

/** The 待办 page: the merged ranges' ids, then their rows by key. */
async function todoPage(ds: DataSource, principal: Principal, limit: number, offset: number): Promise<Record<string, unknown>[]> {
  const ids = (await viewIds(ds, principal, 'todo', offset + limit)).slice(offset, offset + limit);
  const rows = ids.length ? await run<Record<string, unknown>>(ds, { sql: pageSql(ids.length), params: ids }) : [];
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  return ids.map((id) => byId.get(id)).filter((r): r is Record<string, unknown> => Boolean(r));
}

/** The names of the steps some open cases stand at, read off their task records (index of case_id). */
export function currentStepQuery(caseIds: string[]): SqlQuery {
  return { sql: `SELECT t.case_id AS caseId, t.element_id AS elementId, t.name AS name FROM task_record t WHERE t.case_id IN (${caseIds.map(() => '?').join(', ')})`, params: caseIds };
}

function parseSteps(value: unknown): PersonStep[] {
  const steps = typeof value === 'string' ? JSON.parse(value) as unknown : value;
  return Array.isArray(steps) ? steps.map((s: PersonStep) => ({ elementId: String(s.elementId), name: s.name ?? null, count: Number(s.count) })) : [];
}

/** A page of 已办 / 办结: my cases, most recent of my actions first, with the step each open one stands at. */
async function casePage(ds: DataSource, principal: Principal, view: Exclude<TaskView, 'todo'>, limit: number, offset: number): Promise<CaseListItem[]> {
  const rows = await run<Record<string, unknown>>(ds, taskViewQueries(principal, view, limit, offset)[0]);
  const items: CaseListItem[] = rows.map((r) => ({
    caseId: String(r.caseId), caseNumber: String(r.caseNumber), caseStatus: String(r.caseStatus), category: String(r.category), address: String(r.address),
    description: String(r.description), currentStep: (r.currentStep as string | null) ?? null, currentStepName: null, rounds: Number(r.rounds),
    closedAt: toDate(r.closedAt), lastDoneAt: toDate(r.lastDoneAt) as Date, myTaskCount: Number(r.myTaskCount), mySteps: parseSteps(r.mySteps),
  }));
  items.sort((a, b) => b.lastDoneAt.getTime() - a.lastDoneAt.getTime() || (a.caseId < b.caseId ? 1 : a.caseId > b.caseId ? -1 : 0));
  const standing = items.filter((i) => i.currentStep && i.caseStatus === 'open');
  if (standing.length) {
    const names = new Map<string, string>();
    for (const t of await run<{ caseId: unknown; elementId: unknown; name: unknown }>(ds, currentStepQuery(standing.map((i) => i.caseId)))) {
      if (typeof t.name === 'string' && t.name) names.set(`${String(t.caseId)}|${String(t.elementId)}`, t.name);
    }
    for (const item of standing) item.currentStepName = names.get(`${item.caseId}|${item.currentStep}`) ?? null;
  }
  return items;
}

function taskItem(r: Record<string, unknown>): TaskListItem {
  return {
    id: String(r.id), caseId: String(r.caseId), caseNumber: String(r.caseNumber), caseStatus: String(r.caseStatus), category: String(r.category),
    address: String(r.address), description: String(r.description), elementId: String(r.elementId), name: (r.name as string | null) ?? null,
    formId: (r.formId as string | null) ?? null, assignee: (r.assignee as string | null) ?? null, state: String(r.state), round: Number(r.round),
    createdAt: toDate(r.createdAt) as Date, completedAt: toDate(r.completedAt),
  };
}

/** What a view lists: 待办 tasks, 已办 / 办结 cases. */
export type ListItem<V extends TaskView> = V extends 'todo' ? TaskListItem : CaseListItem;

export type ListAnswer<V extends TaskView> = Page<ListItem<V>> & {
  /** `task` for 待办, `case` for 已办 / 办结. */
  kind: V extends 'todo' ? 'task' : 'case';
  totalCapped: boolean;
  counts?: Record<TaskView, number>;
  countsCapped?: Record<TaskView, boolean>;
};

/**
 * A page of a view; with `withCounts`, the sizes of all three lists for the tabs (待办 counts
 * tasks, 已办 / 办结 count cases). Totals and counts stop at `countCap` (`totalCapped` /
 * `countsCapped` say so).
 */
export async function listTasks<V extends TaskView>(ds: DataSource, principal: Principal, view: V, page: { limit: number; offset: number; withCounts?: boolean }): Promise<ListAnswer<V>> {
  const [items, counts] = await Promise.all([
    view === 'todo' ? todoPage(ds, principal, page.limit, page.offset).then((rows) => rows.map(taskItem)) : casePage(ds, principal, view as Exclude<TaskView, 'todo'>, page.limit, page.offset),
    page.withCounts ? countTasks(ds, principal) : countView(ds, principal, view).then((c) => ({ [view]: c }) as Record<TaskView, ViewCount>),
  ]);
  const total = counts[view];
  return {
    kind: (view === 'todo' ? 'task' : 'case') as ListAnswer<V>['kind'],
    items: items as ListItem<V>[], total: total.n, totalCapped: total.capped, limit: page.limit, offset: page.offset,
    ...(page.withCounts ? {
      counts: { todo: counts.todo.n, done: counts.done.n, closed: counts.closed.n },
      countsCapped: { todo: counts.todo.capped, done: counts.done.capped, closed: counts.closed.capped },
    } : {}),
  };
}
