/**
 * SMS routes. For dispatchers: the complaint inbox (投诉短信) — list, read, mark handled, open a
 * case from a message in one action (the case's first step texts the acknowledgement with the
 * case number), link a message to an existing case — and 撰写新短信 (write to a complainant).
 * For other city systems (标准化接口): send an SMS and read received ones since a cursor.
 */
import type { DataSource } from 'typeorm';
import type { ApiRegistry } from '../api/src/http/route.js';
import { maxOffset, maxRowId } from '../api/src/validation/bounds.js';
import { DomainError } from '../errors/index.js';
import type { CaseService } from '../cases/service.js';
import { CaseEntity } from '../cases/entities.js';
import { presentCase } from '../cases/presenter.js';
import { locationSchema } from '../cases/schema.js';
import type { Sms } from './service.js';
import { InboxEntity } from './entities.js';
import { InvalidPhoneError, normalizePhone } from './phone.js';
import type { InboxMessage } from './inbox-store.js';
import type { OutboxMessage } from './outbox-store.js';

const problem = { description: 'problem', contentType: 'application/problem+json', schema: { $ref: '#/components/schemas/Problem' } };
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'integer', minimum: 1, maximum: maxRowId } } };
/** The longest text one SMS request may carry (the gateway splits it into up to 255 parts). */
const maxTextLength = 1000;

export const inboxMessageSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, sender: { type: 'string' }, text: { type: 'string' }, receivedAt: { type: 'string', format: 'date-time' },
    partsCount: { type: 'integer' }, duplicates: { type: 'integer' }, handled: { type: 'boolean' }, handledBy: { type: ['string', 'null'] },
    caseId: { type: ['string', 'null'] }, decodeError: { type: ['string', 'null'] },
  },
} as const;

export const outboxMessageSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, to: { type: 'string' }, text: { type: 'string' }, caseId: { type: ['string', 'null'] },
    state: { type: 'string' }, partsCount: { type: 'integer' }, createdAt: { type: 'string' }, deliveredAt: { type: ['string', 'null'] },
  },
} as const;

function presentInbox(m: InboxMessage) {
  return {
    id: m.id, sender: m.sender, text: m.text, receivedAt: m.receivedAt, partsCount: m.partsCount, duplicates: m.duplicates, handled: m.handled,
    handledBy: m.handledBy, caseId: m.caseId, decodeError: m.decodeError,
  };
}

function presentOutbox(m: OutboxMessage) {
  return { id: m.id, to: m.to, text: m.text, caseId: m.caseId, state: m.state, partsCount: m.partsCount, createdAt: m.createdAt, deliveredAt: m.deliveredAt };
}

function phoneOrThrow(input: string, field: string): string {
  try {
    return normalizePhone(input);
  } catch (error) {
    if (error instanceof InvalidPhoneError) throw new DomainError('request.invalid', error.message, { field, cause: error });
    throw error;
  }
}

export function registerSmsRoutes(registry: ApiRegistry, deps: { dataSource: DataSource; sms: Sms; cases: CaseService }): void {
  const { dataSource, sms, cases } = deps;

  async function message(id: number): Promise<InboxMessage> {
    const found = await sms.inbox.get(id);
    if (!found) throw new DomainError('not_found', `no inbox message ${id}`);
    return found;
  }

  registry.add<Record<string, never>, { handled?: boolean; q?: string; caseId?: string; limit: number; offset: number }, unknown>({
    method: 'get', path: '/sms/inbox', summary: '投诉短信 — the complaint inbox, newest first', tags: ['sms'], access: ['dispatcher', 'admin'],
    query: {
      type: 'object', additionalProperties: false,
      properties: {
        handled: { type: 'boolean' }, q: { type: 'string', minLength: 1, maxLength: 100 },
        caseId: { type: 'string', minLength: 1, maxLength: 36, description: "the messages linked to one case (the reporter's repeats)" },
        limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 }, offset: { type: 'integer', minimum: 0, maximum: maxOffset, default: 0 },
      },
    },
    responses: { 200: { description: 'a page of messages', schema: { type: 'object', properties: { items: { type: 'array', items: inboxMessageSchema }, total: { type: 'integer' } } } }, 401: problem, 403: problem },
    async handler(ctx, { query }) {
      if (query.offset % query.limit !== 0) throw new DomainError('request.invalid', 'offset must be a multiple of limit', { field: 'offset' });
      const page = await sms.inbox.list({ page: query.offset / query.limit + 1, pageSize: query.limit, handled: query.handled, q: query.q, caseId: query.caseId });
      ctx.body = { items: page.items.map(presentInbox), total: page.total, limit: query.limit, offset: query.offset };
    },
  });

  registry.add<{ id: number }, Record<string, never>, unknown>({
    method: 'get', path: '/sms/inbox/:id', summary: 'one inbox message', tags: ['sms'], access: ['dispatcher', 'admin'], params: idParams,
    responses: { 200: { description: 'the message', schema: inboxMessageSchema }, 401: problem, 403: problem, 404: problem },
    async handler(ctx, { params }) {
      ctx.body = presentInbox(await message(params.id));
    },
  });

  registry.add<{ id: number }, Record<string, never>, { handled: boolean }>({
    method: 'post', path: '/sms/inbox/:id/handled', summary: 'mark a message handled (or not)', tags: ['sms'], access: ['dispatcher', 'admin'], params: idParams,
    body: { type: 'object', additionalProperties: false, required: ['handled'], properties: { handled: { type: 'boolean' } } },
    responses: { 200: { description: 'the message', schema: inboxMessageSchema }, 400: problem, 401: problem, 403: problem, 404: problem },
    async handler(ctx, { params, body, principal }) {
      await message(params.id);
      ctx.body = presentInbox((await sms.inbox.markHandled(params.id, principal.username, body.handled)) as InboxMessage);
    },
  });

  registry.add<{ id: number }, Record<string, never>, { category: string; address: string; description?: string; location?: { lng: number; lat: number } | null; relatedCaseId?: string | null }>({
    method: 'post', path: '/sms/inbox/:id/case', audit: 'case.create_from_sms', summary: '一键立案 — open a case from a message (the citizen gets the case number by SMS)', tags: ['sms'],
    access: ['dispatcher', 'admin'], params: idParams,
    body: {
      type: 'object', additionalProperties: false, required: ['category', 'address'],
      properties: {
        category: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }, address: { type: 'string', minLength: 1, maxLength: 255, pattern: '\\S' },
        description: { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' }, location: { anyOf: [locationSchema, { type: 'null' }] },
        relatedCaseId: { anyOf: [{ type: 'string', minLength: 1, maxLength: 36 }, { type: 'null' }], description: 'the closed case this complaint repeats (关联原案件)' },
      },
    },
    responses: { 201: { description: 'the new case' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
    async handler(ctx, { params, body, principal }) {
      const msg = await message(params.id);
      if (msg.caseId) throw new DomainError('conflict', `message ${msg.id} already belongs to a case`, { field: 'id', caseId: msg.caseId });
      const created = await cases.create({
        source: 'sms', category: body.category, address: body.address, description: body.description ?? msg.text,
        location: body.location ?? null, reporterPhone: msg.sender, relatedCaseId: body.relatedCaseId ?? null,
      }, principal, {
        // the link is written in the case's own transaction: never a case without its message
        within: async (row, tx) => {
          const result = await tx.getRepository(InboxEntity).createQueryBuilder().update()
            .set({ caseId: row.id, handled: true, handledAt: new Date(), handledBy: principal.username })
            .where('id = :id AND case_id IS NULL', { id: msg.id }).execute();
          if (result.affected !== 1) throw new DomainError('conflict', `message ${msg.id} was linked to a case concurrently`, { field: 'id' });
        },
      });
      ctx.status = 201;
      ctx.set('Location', `/api/cases/${created.id}`);
      ctx.body = { case: presentCase(created), message: presentInbox(await message(msg.id)) };
    },
  });

  registry.add<{ id: number }, Record<string, never>, { caseId?: string; caseNumber?: string }>({
    method: 'post', path: '/sms/inbox/:id/link', audit: 'sms.link',
    summary: 'link a message to an open case (the same complaint sent again), by id or number; a closed case is refused (409 sms.case_closed): open a new case referring to it',
    tags: ['sms'], access: ['dispatcher', 'admin'], params: idParams,
    body: {
      type: 'object', additionalProperties: false, oneOf: [{ required: ['caseId'] }, { required: ['caseNumber'] }],
      properties: { caseId: { type: 'string', minLength: 1, maxLength: 36 }, caseNumber: { type: 'string', minLength: 1, maxLength: 32, pattern: '\\S' } },
    },
    responses: { 200: { description: 'the message', schema: inboxMessageSchema }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
    async handler(ctx, { params, body, principal }) {
      await message(params.id);
      const number = body.caseNumber?.trim().toUpperCase();
      const target = body.caseId ? await cases.get(body.caseId) : await dataSource.getRepository(CaseEntity).findOne({ where: { number } });
      if (!target) throw new DomainError('case.not_found', `no case ${number}`, { field: 'caseNumber', detailZh: `案件不存在：${number}` });
      if (target.status !== 'open') {
        throw new DomainError('sms.case_closed', `case ${target.number} is ${target.status}`, { field: body.caseId ? 'caseId' : 'caseNumber', caseId: target.id, caseNumber: target.number });
      }
      ctx.body = presentInbox((await sms.inbox.linkToCase(params.id, target.id, principal.username)) as InboxMessage);
    },
  });

  registry.add<Record<string, never>, Record<string, never>, { to?: string; caseId?: string; text: string }>({
    method: 'post', path: '/sms/messages', audit: 'sms.send', summary: '撰写新短信 — send an SMS to a complainant (by number, or to the reporter of a case)', tags: ['sms'],
    access: ['dispatcher', 'admin'],
    body: {
      type: 'object', additionalProperties: false, required: ['text'], anyOf: [{ required: ['to'] }, { required: ['caseId'] }],
      properties: { to: { type: 'string', maxLength: 32 }, caseId: { type: 'string', minLength: 1, maxLength: 36 }, text: { type: 'string', minLength: 1, maxLength: maxTextLength, pattern: '\\S' } },
    },
    responses: { 202: { description: 'queued for sending', schema: outboxMessageSchema }, 400: problem, 401: problem, 403: problem, 404: problem },
    async handler(ctx, { body }) {
      let to = body.to ? phoneOrThrow(body.to, 'to') : null;
      if (body.caseId) {
        const row = await dataSource.getRepository(CaseEntity).findOne({ where: { id: body.caseId } });
        if (!row) throw new DomainError('case.not_found', `no case ${body.caseId}`, { field: 'caseId' });
        if (!to) {
          if (!row.reporterPhone) throw new DomainError('request.invalid', `case ${row.number} has no reporter phone`, { field: 'caseId' });
          to = phoneOrThrow(row.reporterPhone, 'caseId');
        }
      }
      const queued = await sms.enqueue({ to: to as string, text: body.text, caseId: body.caseId ?? null });
      ctx.status = 202;
      ctx.body = presentOutbox(queued);
    },
  });

  registry.add<Record<string, never>, { caseId?: string; limit: number }, unknown>({
    method: 'get', path: '/sms/messages', summary: 'SMS sent (optionally of one case)', tags: ['sms'], access: ['dispatcher', 'admin'],
    query: { type: 'object', additionalProperties: false, properties: { caseId: { type: 'string', maxLength: 36 }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } } },
    responses: { 200: { description: 'messages', schema: { type: 'array', items: outboxMessageSchema } }, 401: problem, 403: problem },
    async handler(ctx, { query }) {
      ctx.body = (await sms.outbox.list({ caseId: query.caseId, limit: query.limit })).map(presentOutbox);
    },
  });

  // ---- the standard interface for other city systems ----------------------------------

  registry.add<Record<string, never>, Record<string, never>, { to: string; text: string; reference?: string }>({
    method: 'post', path: '/integration/sms/send', audit: 'sms.send_integration', summary: '标准化接口 — another city system sends an SMS through the platform', tags: ['integration'],
    access: ['admin', 'dispatcher'],
    body: {
      type: 'object', additionalProperties: false, required: ['to', 'text'],
      properties: { to: { type: 'string', maxLength: 32 }, text: { type: 'string', minLength: 1, maxLength: maxTextLength, pattern: '\\S' }, reference: { type: 'string', maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' } },
    },
    responses: { 202: { description: 'queued (the same reference twice is sent once)', schema: outboxMessageSchema }, 400: problem, 401: problem, 403: problem },
    async handler(ctx, { body, principal }) {
      const to = phoneOrThrow(body.to, 'to');
      const queued = await sms.enqueue({ to, text: body.text, jobKey: body.reference ? `ext:${principal.username}:${body.reference}` : null });
      ctx.status = 202;
      ctx.body = presentOutbox(queued);
    },
  });

  registry.add<Record<string, never>, { after: number; limit: number }, unknown>({
    method: 'get', path: '/integration/sms/received', audit: 'sms.export', summary: '标准化接口 — received SMS after a cursor (poll with the last id you saw)', tags: ['integration'],
    access: ['admin', 'dispatcher'],
    query: { type: 'object', additionalProperties: false, properties: { after: { type: 'integer', minimum: 0, maximum: maxRowId, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } },
    responses: { 200: { description: 'messages in id order, and the cursor to pass next', schema: { type: 'object', properties: { items: { type: 'array', items: inboxMessageSchema }, next: { type: 'integer' } } } }, 401: problem, 403: problem },
    async handler(ctx, { query }) {
      const rows = await dataSource.getRepository(InboxEntity).createQueryBuilder('m').where('m.id > :after', { after: query.after })
        .orderBy('m.id', 'ASC').limit(query.limit).getMany();
      const items = rows.map((r) => presentInbox(r as unknown as InboxMessage));
      ctx.body = { items, next: items.length ? items[items.length - 1].id : query.after };
    },
  });
}
