/** The audit log for admins: search (newest first, paged) and a check of the hash chain. No route changes an entry. */
import type { ApiRegistry } from '../api/src/http/route.js';
import { maxRowId } from '../api/src/validation/bounds.js';
import type { AuditLog, AuditQuery } from './log.js';

const entrySchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, actor: { type: ['string', 'null'] }, actorRole: { type: ['string', 'null'] },
    ip: { type: ['string', 'null'] }, userAgent: { type: ['string', 'null'] }, action: { type: 'string' }, target: { type: ['string', 'null'] },
    outcome: { type: 'string', enum: ['success', 'failure', 'refused'] }, detail: { type: ['object', 'null'] }, hash: { type: 'string' },
  },
};

const isoTime = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})?)?$';

export const auditQuerySchema = {
  type: 'object',
  properties: {
    actor: { type: 'string', maxLength: 128 },
    action: { type: 'string', maxLength: 64, description: 'exact (`auth.login`) or a prefix ending in `.` or `*` (`user.*`)' },
    target: { type: 'string', maxLength: 160 },
    outcome: { type: 'string', enum: ['success', 'failure', 'refused'] },
    from: { type: 'string', pattern: isoTime, description: 'ISO 8601 time, inclusive' },
    to: { type: 'string', pattern: isoTime, description: 'ISO 8601 time, exclusive' },
    before: { type: 'integer', minimum: 1, maximum: maxRowId, description: 'the `nextBefore` of the previous page' },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  },
};

export function registerAuditRoutes(registry: ApiRegistry, deps: { audit: AuditLog }): void {
  registry.add({
    method: 'get', path: '/audit', summary: 'search the audit log (sign-ins, lockouts, account changes, case actions, exports)', tags: ['audit'], access: ['admin'],
    query: auditQuerySchema,
    responses: { 200: { description: 'a page of entries, newest first', schema: { type: 'object', properties: { entries: { type: 'array', items: entrySchema }, nextBefore: { type: ['integer', 'null'] } } } } },
    async handler(ctx, { query }) {
      const q = query as Omit<AuditQuery, 'from' | 'to'> & { from?: string; to?: string };
      const page = await deps.audit.search({ ...q, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined });
      ctx.body = {
        entries: page.entries.map((e) => ({
          seq: e.seq, at: e.at.toISOString(), actor: e.actor, actorRole: e.actorRole, ip: e.ip, userAgent: e.userAgent, action: e.action,
          target: e.target, outcome: e.outcome, detail: e.detail, hash: e.hash,
        })),
        nextBefore: page.nextBefore,
      };
    },
  });

  registry.add({
    method: 'get', path: '/audit/verify', summary: 'recompute the audit hash chain: reports entries edited, inserted or removed in the database', tags: ['audit'], access: ['admin'],
    responses: { 200: { description: 'the verification', schema: { type: 'object', properties: { ok: { type: 'boolean' }, entries: { type: 'integer' }, lastHash: { type: 'string' }, problems: { type: 'array' } } } } },
    async handler(ctx) {
      ctx.body = await deps.audit.verify();
    },
  });
}
