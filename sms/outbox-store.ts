/**
 * The outbox: messages to citizens persisted before they are sent, one segment row per
 * submit_sm part (so a retry resends only the parts the SMSC has not accepted, and each
 * part's delivery receipt finds its row), states queued → submitted → delivered / failed.
 */
import { randomInt } from 'node:crypto';
import { In, LessThanOrEqual, type DataSource, type EntityManager } from 'typeorm';
import { OutboxEntity, OutboxSegmentEntity, type OutboxRow, type OutboxSegmentRow, type OutboxState } from './entities.js';
import type { ReceiptItem } from './inbound.js';
import { normalizePhone } from './phone.js';
import { segmentText } from './segment.js';
import type { BatchWriter } from './writer.js';

export interface EnqueueInput {
  to: string;
  text: string;
  caseId?: string | null;
  /** Idempotency key: a second enqueue with the same key returns the first message. */
  jobKey?: string | null;
}

export interface OutboxMessage {
  id: number;
  to: string;
  text: string;
  caseId: string | null;
  jobKey: string | null;
  state: OutboxState;
  dataCoding: number;
  partsCount: number;
  smscMessageId: string | null;
  attempts: number;
  nextAttemptAt: Date;
  error: string | null;
  createdAt: Date;
  submittedAt: Date | null;
  deliveredAt: Date | null;
}

export interface DueMessage {
  row: OutboxRow;
  pendingSeqs: number[];
}

export class EmptyTextError extends Error {
  readonly code = 'sms.text_empty';
  readonly field = 'text';
  constructor() {
    super('the message text is empty');
    this.name = 'EmptyTextError';
  }
}

function present(row: OutboxRow): OutboxMessage {
  return {
    id: row.id, to: row.to, text: row.text, caseId: row.caseId, jobKey: row.jobKey, state: row.state,
    dataCoding: row.dataCoding, partsCount: row.partsCount, smscMessageId: row.smscMessageId,
    attempts: row.attempts, nextAttemptAt: row.nextAttemptAt, error: row.error, createdAt: row.createdAt,
    submittedAt: row.submittedAt, deliveredAt: row.deliveredAt,
  };
}

function prepareMessage(input: EnqueueInput) {
  const to = normalizePhone(input.to);
  if (!input.text || !input.text.trim()) throw new EmptyTextError();
  const concatRef = randomInt(0, 256);
  return { to, concatRef, segmentation: segmentText(input.text, concatRef) };
}

async function insertMessage(em: EntityManager, input: EnqueueInput, prepared: ReturnType<typeof prepareMessage>, now: Date): Promise<OutboxMessage> {
  const { to, concatRef, segmentation } = prepared;
  const repo = em.getRepository(OutboxEntity);
  if (input.jobKey) {
    const existing = await repo.findOne({ where: { jobKey: input.jobKey } });
    if (existing) return present(existing);
  }
  const inserted = await repo.insert({
    to, text: input.text, caseId: input.caseId ?? null, jobKey: input.jobKey ?? null, state: 'queued',
    dataCoding: segmentation.dataCoding, partsCount: segmentation.parts.length, concatRef, smscMessageId: null,
    attempts: 0, nextAttemptAt: now, error: null, createdAt: now, submittedAt: null, deliveredAt: null,
  });
  const id = inserted.identifiers[0]!.id as number;
  await em.getRepository(OutboxSegmentEntity).insert(segmentation.parts.map((part) => ({
    outboxId: id, seq: part.seq, smscMessageId: null, state: 'pending' as const, receiptStat: null, updatedAt: now,
  })));
  return present((await repo.findOne({ where: { id } }))!);
}

/**
 * Queues a message inside the caller's transaction (an engine hook's), so it is sent exactly
 * when that transaction commits; the sender finds it on its next poll. Idempotent by jobKey.
 */
export function enqueueWithin(em: EntityManager, input: EnqueueInput, now = new Date()): Promise<OutboxMessage> {
  return insertMessage(em, input, prepareMessage(input), now);
}

export class OutboxStore {
  constructor(private readonly dataSource: DataSource, private readonly writer: BatchWriter) {}

  /** Validates and queues a message; idempotent by jobKey. Throws InvalidPhoneError / EmptyTextError / TextTooLongError. */
  enqueue(input: EnqueueInput, now = new Date()): Promise<OutboxMessage> {
    const prepared = prepareMessage(input);
    return this.writer.write((em) => insertMessage(em, input, prepared, now));
  }

  private read<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.dataSource.options.type === 'better-sqlite3') return this.writer.write(fn);
    return fn(this.dataSource.manager);
  }

  get(id: number): Promise<OutboxMessage | null> {
    return this.read(async (em) => {
      const row = await em.getRepository(OutboxEntity).findOne({ where: { id } });
      return row ? present(row) : null;
    });
  }

  getByJobKey(jobKey: string): Promise<OutboxMessage | null> {
    return this.read(async (em) => {
      const row = await em.getRepository(OutboxEntity).findOne({ where: { jobKey } });
      return row ? present(row) : null;
    });
  }

  /** Messages for a case (or a phone number), newest first. */
  list(filter: { caseId?: string; to?: string; state?: OutboxState; limit?: number } = {}): Promise<OutboxMessage[]> {
    return this.read(async (em) => {
      const where: Record<string, unknown> = {};
      if (filter.caseId) where.caseId = filter.caseId;
      if (filter.to) where.to = normalizePhone(filter.to);
      if (filter.state) where.state = filter.state;
      const rows = await em.getRepository(OutboxEntity).find({ where, order: { id: 'DESC' }, take: Math.min(filter.limit ?? 100, 1000) });
      return rows.map(present);
    });
  }

  segments(outboxId: number): Promise<OutboxSegmentRow[]> {
    return this.read((em) => em.getRepository(OutboxSegmentEntity).find({ where: { outboxId }, order: { seq: 'ASC' } }));
  }

  /** Queued messages due now, with the parts still to submit. */
  due(limit: number, excludeIds: ReadonlySet<number>, now = new Date()): Promise<DueMessage[]> {
    return this.read(async (em) => {
      const rows = await em.getRepository(OutboxEntity).find({
        where: { state: 'queued', nextAttemptAt: LessThanOrEqual(now) },
        order: { nextAttemptAt: 'ASC', id: 'ASC' },
        take: limit + excludeIds.size,
      });
      const wanted = rows.filter((row) => !excludeIds.has(row.id)).slice(0, limit);
      if (wanted.length === 0) return [];
      const segments = await em.getRepository(OutboxSegmentEntity).find({ where: { outboxId: In(wanted.map((row) => row.id)), state: 'pending' } });
      return wanted.map((row) => ({ row, pendingSeqs: segments.filter((s) => s.outboxId === row.id).map((s) => s.seq).sort((a, b) => a - b) }));
    });
  }

  /** Records one accepted part at once, before its delivery receipt can arrive. */
  recordSegmentSubmitted(outboxId: number, seq: number, smscMessageId: string, now = new Date()): Promise<void> {
    return this.writer.write(async (em) => {
      await em.getRepository(OutboxSegmentEntity).update({ outboxId, seq, state: 'pending' }, { smscMessageId, state: 'submitted', updatedAt: now });
      if (seq === 1) await em.getRepository(OutboxEntity).update({ id: outboxId }, { smscMessageId });
    });
  }

  /**
   * Closes one send attempt: all parts accepted → submitted; a permanent refusal → failed;
   * otherwise queued again at `retryAt`.
   */
  recordAttempt(outboxId: number, outcome: { ok: true } | { ok: false; error: string; permanent: boolean; retryAt: Date; countAttempt: boolean }, now = new Date()): Promise<OutboxMessage | null> {
    return this.writer.write(async (em) => {
      const repo = em.getRepository(OutboxEntity);
      const row = await repo.findOne({ where: { id: outboxId } });
      if (!row || row.state !== 'queued') return row ? present(row) : null;
      if (outcome.ok) {
        const pending = await em.getRepository(OutboxSegmentEntity).count({ where: { outboxId, state: 'pending' } });
        if (pending === 0) await repo.update({ id: outboxId }, { state: 'submitted', submittedAt: now, attempts: row.attempts + 1, error: null });
      } else if (outcome.permanent) {
        await repo.update({ id: outboxId }, { state: 'failed', attempts: row.attempts + 1, error: outcome.error });
      } else {
        await repo.update({ id: outboxId }, { attempts: row.attempts + (outcome.countAttempt ? 1 : 0), nextAttemptAt: outcome.retryAt, error: outcome.error });
      }
      return present((await repo.findOne({ where: { id: outboxId } }))!);
    });
  }

  /** Applies a delivery receipt; returns the outbox id it belonged to, or null when unknown. */
  applyReceipt(receipt: ReceiptItem, now = new Date()): Promise<number | null> {
    return this.writer.write(async (em) => {
      const segments = em.getRepository(OutboxSegmentEntity);
      const segment = await segments.findOne({ where: { smscMessageId: receipt.messageId } });
      if (!segment) return null;
      if (receipt.outcome === 'pending') {
        await segments.update({ id: segment.id }, { receiptStat: receipt.stat, updatedAt: now });
        return segment.outboxId;
      }
      await segments.update({ id: segment.id }, { state: receipt.outcome, receiptStat: receipt.stat, updatedAt: now });
      const repo = em.getRepository(OutboxEntity);
      if (receipt.outcome === 'failed') {
        await repo.update({ id: segment.outboxId }, { state: 'failed', error: `delivery receipt: ${receipt.stat} (part ${segment.seq})` });
      } else {
        const undelivered = await segments.count({ where: { outboxId: segment.outboxId, state: In(['pending', 'submitted']) } });
        const failed = await segments.count({ where: { outboxId: segment.outboxId, state: 'failed' } });
        if (undelivered === 0 && failed === 0) await repo.update({ id: segment.outboxId }, { state: 'delivered', deliveredAt: now });
      }
      return segment.outboxId;
    });
  }
}
