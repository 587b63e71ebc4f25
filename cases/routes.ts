/**
 * Case routes: open a case (新建案件), search (案件查询), read a case with its whole timeline
 * (the archive, loop by loop), reopen a closed case for a new round (重新开启), and the frozen
 * archive entry of a closed case.
 * Each handler loads, authorizes, acts, presents — in that order.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { ApiRegistry } from '../api/src/http/route.js';
import type { Archive } from '../archive/index.js';
import { TaskEntity } from '../tasks/entities.js';
import { DomainError } from '../errors/index.js';
import { caseNames } from './names.js';
import { assertCanSeeCase } from './policy.js';
import { caseDetailSchema, caseSummarySchema, groupByRound, presentCase, presentEvent } from './presenter.js';
import { newCaseSchema, reopenCaseSchema, type ReopenCase } from './schema.js';
import { caseSearchQuerySchema, searchCases, type CaseSearch } from './search.js';
import type { CaseService } from './service.js';

const problem = { description: 'problem', contentType: 'application/problem+json', schema: { $ref: '#/components/schemas/Problem' } };
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', minLength: 1, maxLength: 36 } } };

/** The complaint SMS a reopening links to its case (sms/ provides them; cases/ does not read the inbox). */
export interface CaseMessageLinks {
  /** `not_found` for an unknown message, `conflict` for one that belongs to another case. */
  assertLinkable(messageId: number, caseId: string): Promise<void>;
  /** Links the message and marks it handled in `tx`; `conflict` when another case took it meanwhile. */
  link(tx: EntityManager, messageId: number, caseId: string, by: string): Promise<void>;
}

export function registerCaseRoutes(registry: ApiRegistry, deps: { dataSource: DataSource; cases: CaseService; archive: Archive; messages?: CaseMessageLinks }): void {
  const { dataSource, cases, archive, messages } = deps;

  async function detail(id: string) {
    const row = await cases.get(id);
    const [timeline, tasks] = await Promise.all([
      cases.timeline(row.id),
      dataSource.getRepository(TaskEntity).find({ where: { caseId: row.id } }),
    ]);
    const names = await caseNames(dataSource, row, timeline, tasks);
    return { row, body: { case: presentCase(row), timeline: timeline.map(presentEvent), rounds: groupByRound(tasks), names } };
  }

  registry.add({
    method: 'post', path: '/cases', audit: 'case.create', summary: '新建案件 — open a case', tags: ['cases'], access: ['dispatcher', 'admin'],
    body: newCaseSchema as unknown as Record<string, unknown>,
    responses: { 201: { description: 'the new case with its timeline', schema: caseDetailSchema }, 400: problem, 401: problem, 403: problem },
    async handler(ctx, { body, principal }) {
      const created = await cases.create(body, principal);
      ctx.status = 201;
      ctx.set('Location', `/api/cases/${created.id}`);
      ctx.body = (await detail(created.id)).body;
    },
  });

  registry.add<Record<string, never>, CaseSearch, unknown>({
    method: 'get', path: '/cases', summary: '案件查询 — search the cases I may see', tags: ['cases'],
    query: caseSearchQuerySchema as unknown as Record<string, unknown>,
    responses: { 200: { description: 'a page of cases', schema: { type: 'object', properties: { items: { type: 'array', items: caseSummarySchema }, total: { type: 'integer', description: 'matches, counted up to 1,000 — with free text `q`, up to `offset` + 200 (at most 1,000)' }, totalCapped: { type: 'boolean', description: 'true when there are more matches than were counted' }, limit: { type: 'integer' }, offset: { type: 'integer' } } } }, 400: problem, 401: problem },
    async handler(ctx, { query, principal }) {
      const { items, total, totalCapped } = await searchCases(dataSource, principal, query);
      ctx.body = { items: items.map(presentCase), total, totalCapped, limit: query.limit, offset: query.offset };
    },
  });

  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'get', path: '/cases/:id', summary: 'a case with its timeline and tasks, round by round', tags: ['cases'],
    params: idParams,
    responses: { 200: { description: 'the case', schema: caseDetailSchema }, 401: problem, 404: problem },
    async handler(ctx, { params, principal }) {
      const row = await cases.get(params.id);
      await assertCanSeeCase(dataSource, principal, row);
      ctx.body = (await detail(row.id)).body;
    },
  });

  registry.add<{ id: string }, Record<string, never>, ReopenCase>({
    method: 'post', path: '/cases/:id/reopen', audit: 'case.reopen', tags: ['cases'], access: ['dispatcher', 'admin'],
    summary: '重新开启 — reopen a closed or dismissed case for a new round (a new process instance on the latest diagram: 派发核实, 现场核实 …); the earlier rounds and archive entries stay',
    params: idParams, body: reopenCaseSchema as unknown as Record<string, unknown>,
    responses: { 200: { description: 'the reopened case with its timeline', schema: caseDetailSchema }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
    async handler(ctx, { params, body, principal }) {
      const row = await cases.get(params.id);
      const messageId = body.messageId;
      if (messageId !== undefined) {
        if (!messages) throw new DomainError('request.invalid', 'messages cannot be linked here', { field: 'messageId' });
        await messages.assertLinkable(messageId, row.id);
      }
      await cases.reopen(row.id, body, principal, {
        within: messageId === undefined ? undefined : (reopened, tx) => (messages as CaseMessageLinks).link(tx, messageId, reopened.id, principal.username),
      });
      ctx.body = (await detail(row.id)).body;
    },
  });

  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'get', path: '/cases/:id/archive', audit: 'case.archive.export', summary: '归档 — the frozen, hash-chained archive entry of a closed case', tags: ['cases'],
    params: idParams,
    responses: {
      200: {
        description: 'the latest archive entry (the last closed round), and every entry of the case in `entries` (a reopened case has one per round)',
        schema: {
          type: 'object',
          properties: {
            seq: { type: 'integer' }, outcome: { type: 'string' }, archivedAt: { type: 'string' }, contentHash: { type: 'string' }, prevHash: { type: 'string' }, chainHash: { type: 'string' }, content: { type: 'object' },
            entries: { type: 'array', items: { type: 'object', properties: { seq: { type: 'integer' }, outcome: { type: 'string' }, archivedAt: { type: 'string' }, processVersion: { type: 'integer' }, chainHash: { type: 'string' } } } },
          },
        },
      },
      401: problem, 404: problem,
    },
    async handler(ctx, { params, principal }) {
      const row = await cases.get(params.id);
      await assertCanSeeCase(dataSource, principal, row);
      const entries = await archive.list(row.id);
      const entry = entries[entries.length - 1];
      if (!entry) throw new DomainError('not_found', `case ${row.number} is not archived yet`);
      ctx.body = {
        seq: entry.seq, outcome: entry.outcome, archivedAt: entry.archivedAt, contentHash: entry.contentHash, prevHash: entry.prevHash, chainHash: entry.chainHash, content: JSON.parse(entry.content),
        entries: entries.map((e) => ({ seq: e.seq, outcome: e.outcome, archivedAt: e.archivedAt, processVersion: e.processVersion, chainHash: e.chainHash })),
      };
    },
  });
}
