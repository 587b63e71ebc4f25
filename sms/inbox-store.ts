/**
 * The inbox: stores inbound messages and parts (recognising SMSC redeliveries), reassembles
 * multipart messages from their persisted parts, and serves list / get / search / handled /
 * link-to-case. Every write goes through the BatchWriter so it is committed before the SMSC is
 * acknowledged.
 */
import { createHash } from 'node:crypto';
import { In, IsNull, LessThan, type DataSource, type EntityManager } from 'typeorm';
import { decodeText } from './codec/text.js';
import { InboxEntity, PartEntity, type InboxRow, type PartRow } from './entities.js';
import type { MessageItem, PartItem } from './inbound.js';
import type { BatchWriter } from './writer.js';
import { insertId, parseDbDate, selectOne, sqlDate } from './sql.js';

export interface InboxStoreOptions {
  /** Same sender + same text within this window is a redelivery (default 1 hour). */
  dedupWindowMs?: number;
  /** Text search scans at most this many most recent messages (default 50,000). */
  searchWindow?: number;
}

export type StoreOutcome =
  | { result: 'stored'; inboxId: number }
  | { result: 'duplicate'; inboxId: number | null }
  | { result: 'part-stored'; groupKey: string; received: number; total: number }
  | { result: 'assembled'; inboxId: number; groupKey: string };

export interface InboxMessage {
  id: number;
  sender: string;
  recipient: string | null;
  text: string;
  receivedAt: Date;
  smscMessageId: string | null;
  dataCoding: number;
  partsCount: number;
  duplicates: number;
  decodeError: string | null;
  handled: boolean;
  handledAt: Date | null;
  handledBy: string | null;
  caseId: string | null;
}

export interface InboxListQuery {
  /** 1-based page (default 1). */
  page?: number;
  /** Default 20, at most 200. */
  pageSize?: number;
  handled?: boolean;
  /** Substring search in text or sender (works for Chinese). */
  q?: string;
  caseId?: string;
  sender?: string;
}

export interface InboxPage {
  items: InboxMessage[];
  total: number;
  page: number;
  pageSize: number;
}

export interface IncompleteGroup {
  groupKey: string;
  sender: string;
  reference: number;
  total: number;
  received: number[];
  firstReceivedAt: Date;
}

export function dedupKey(sender: string, text: string): string {
  return createHash('sha256').update(sender).update('\u0000').update(text).digest('hex');
}

export function groupKeyOf(item: PartItem): string {
  return `${item.sender}|${item.concat.referenceBits}:${item.concat.reference}|${item.concat.total}`;
}

function present(row: InboxRow): InboxMessage {
  return {
    id: row.id,
    sender: row.sender,
    recipient: row.recipient,
    text: row.text,
    receivedAt: row.receivedAt,
    smscMessageId: row.smscMessageId,
    dataCoding: row.dataCoding,
    partsCount: row.partsCount,
    duplicates: row.duplicates,
    decodeError: row.decodeError,
    handled: Boolean(row.handled),
    handledAt: row.handledAt,
    handledBy: row.handledBy,
    caseId: row.caseId,
  };
}

function escapeLike(value: string): string {
  return value.replace(/[!%_]/g, (c) => `!${c}`);
}

export class InboxStore {
  private readonly dedupWindowMs: number;
  private readonly searchWindow: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: BatchWriter,
    options: InboxStoreOptions = {},
  ) {
    this.dedupWindowMs = options.dedupWindowMs ?? 3_600_000;
    this.searchWindow = options.searchWindow ?? 50_000;
  }

  /** Stores one whole message unless it is a redelivery. Committed when the promise resolves. */
  storeMessage(item: MessageItem, now = new Date()): Promise<StoreOutcome> {
    return this.writer.write((em) => this.insertMessage(em, item, now));
  }

  /** Stores one part; assembles the message when it was the last one missing. */
  storePart(item: PartItem, now = new Date()): Promise<StoreOutcome> {
    return this.writer.write((em) => this.insertPart(em, item, now));
  }

  private async insertMessage(em: EntityManager, item: MessageItem, now: Date): Promise<StoreOutcome> {
    const key = dedupKey(item.sender, item.text);
    const existing = item.smscMessageId
      ? await selectOne<{ id: number }>(em, 'SELECT id FROM sms_inbox WHERE smsc_message_id = ? AND sender = ? LIMIT 1', [item.smscMessageId, item.sender])
      : await selectOne<{ id: number }>(em, 'SELECT id FROM sms_inbox WHERE dedup_key = ? AND received_at >= ? LIMIT 1', [key, sqlDate(em, new Date(now.getTime() - this.dedupWindowMs))]);
    if (existing) {
      await em.query('UPDATE sms_inbox SET duplicates = duplicates + 1 WHERE id = ?', [existing.id]);
      return { result: 'duplicate', inboxId: Number(existing.id) };
    }
    const inboxId = await this.insertInbox(em, {
      sender: item.sender, recipient: item.recipient, text: item.text, receivedAt: now, smscMessageId: item.smscMessageId,
      dataCoding: item.dataCoding, partsCount: 1, dedupKey: key, decodeError: item.decodeError,
    });
    return { result: 'stored', inboxId };
  }

  private async insertInbox(em: EntityManager, row: Pick<InboxRow, 'sender' | 'recipient' | 'text' | 'receivedAt' | 'smscMessageId' | 'dataCoding' | 'partsCount' | 'dedupKey' | 'decodeError'>): Promise<number> {
    return insertId(await em.query(
      'INSERT INTO sms_inbox (sender, recipient, text, received_at, smsc_message_id, data_coding, parts_count, dedup_key, duplicates, decode_error, handled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)',
      [row.sender, row.recipient, row.text, sqlDate(em, row.receivedAt), row.smscMessageId, row.dataCoding, row.partsCount, row.dedupKey, row.decodeError, false],
    ));
  }

  private async insertPart(em: EntityManager, item: PartItem, now: Date): Promise<StoreOutcome> {
    const groupKey = groupKeyOf(item);
    const payload = item.payload.toString('base64');
    const { seq, total } = item.concat;
    // A redelivered part: one carrying an SMSC message id we have seen, one still pending,
    // or one already assembled recently with the same bytes.
    if (item.smscMessageId) {
      const seen = await selectOne<{ inbox_id: number | null }>(em, 'SELECT inbox_id FROM sms_part WHERE smsc_message_id = ? AND sender = ? LIMIT 1', [item.smscMessageId, item.sender]);
      if (seen) return { result: 'duplicate', inboxId: seen.inbox_id === null ? null : Number(seen.inbox_id) };
    }
    // One look at this (group, seq): a pending copy, or an assembled one with the same bytes
    // received within the window, means the SMSC sent this part again.
    const since = now.getTime() - this.dedupWindowMs;
    const copies = (await em.query(
      'SELECT state, payload, inbox_id, received_at FROM sms_part WHERE group_key = ? AND seq = ?',
      [groupKey, seq],
    )) as Array<{ state: string; payload: string; inbox_id: number | null; received_at: string | Date }>;
    if (copies.some((copy) => copy.state === 'pending')) return { result: 'duplicate', inboxId: null };
    const assembled = copies.find((copy) => copy.payload === payload && parseDbDate(copy.received_at) >= since);
    if (assembled) {
      if (assembled.inbox_id !== null) await em.query('UPDATE sms_inbox SET duplicates = duplicates + 1 WHERE id = ?', [assembled.inbox_id]);
      return { result: 'duplicate', inboxId: assembled.inbox_id === null ? null : Number(assembled.inbox_id) };
    }
    await em.query(
      "INSERT INTO sms_part (group_key, sender, recipient, reference, total, seq, data_coding, payload, smsc_message_id, received_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
      [groupKey, item.sender, item.recipient, item.concat.reference, total, seq, item.dataCoding, payload, item.smscMessageId, sqlDate(em, now)],
    );
    const counted = await selectOne<{ n: number | string }>(em, "SELECT COUNT(*) AS n FROM sms_part WHERE group_key = ? AND state = 'pending'", [groupKey]);
    const received = Number(counted?.n ?? 0);
    if (received < total) return { result: 'part-stored', groupKey, received, total };
    return this.assemble(em, groupKey, now);
  }

  private async assemble(em: EntityManager, groupKey: string, now: Date): Promise<StoreOutcome> {
    const rows = (await em.query(
      "SELECT seq, sender, recipient, data_coding, payload, smsc_message_id FROM sms_part WHERE group_key = ? AND state = 'pending' ORDER BY seq",
      [groupKey],
    )) as Array<{ seq: number; sender: string; recipient: string | null; data_coding: number; payload: string; smsc_message_id: string | null }>;
    const first = rows[0]!;
    const sameCoding = rows.every((row) => Number(row.data_coding) === Number(first.data_coding));
    let text: string;
    const errors: string[] = [];
    if (sameCoding) {
      // Decode the joined bytes: a surrogate pair or escape split across parts survives.
      const decoded = decodeText(Number(first.data_coding), Buffer.concat(rows.map((row) => Buffer.from(row.payload, 'base64'))));
      text = decoded.text;
      if (decoded.error) errors.push(decoded.error);
    } else {
      text = rows.map((row) => {
        const decoded = decodeText(Number(row.data_coding), Buffer.from(row.payload, 'base64'));
        if (decoded.error) errors.push(`part ${row.seq}: ${decoded.error}`);
        return decoded.text;
      }).join('');
    }
    const inboxId = await this.insertInbox(em, {
      sender: first.sender, recipient: first.recipient, text, receivedAt: now, smscMessageId: first.smsc_message_id,
      dataCoding: Number(first.data_coding), partsCount: rows.length, dedupKey: dedupKey(first.sender, text),
      decodeError: errors.length ? errors.join('; ') : null,
    });
    await em.query("UPDATE sms_part SET state = 'assembled', inbox_id = ? WHERE group_key = ? AND state = 'pending'", [inboxId, groupKey]);
    return { result: 'assembled', inboxId, groupKey };
  }

  private read<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    // On SQLite the one connection may be inside a batch: read through the writer's order.
    if (this.dataSource.options.type === 'better-sqlite3') return this.writer.write(fn);
    return fn(this.dataSource.manager);
  }

  /** Newest first. */
  list(query: InboxListQuery = {}): Promise<InboxPage> {
    const page = Math.max(1, Math.floor(query.page ?? 1));
    const pageSize = Math.min(200, Math.max(1, Math.floor(query.pageSize ?? 20)));
    return this.read(async (em) => {
      const qb = em.getRepository(InboxEntity).createQueryBuilder('m');
      if (query.handled !== undefined) qb.andWhere('m.handled = :handled', { handled: query.handled });
      if (query.caseId) qb.andWhere('m.caseId = :caseId', { caseId: query.caseId });
      if (query.sender) qb.andWhere('m.sender = :sender', { sender: query.sender });
      if (query.q && query.q.trim()) {
        // A LIKE scan bounded to the most recent `searchWindow` messages (no full-text index yet).
        const newest = await em.getRepository(InboxEntity).createQueryBuilder('x').select('MAX(x.id)', 'max').getRawOne<{ max: number | null }>();
        const floor = Math.max(0, Number(newest?.max ?? 0) - this.searchWindow);
        qb.andWhere('m.id > :floor', { floor });
        qb.andWhere("(m.text LIKE :q ESCAPE '!' OR m.sender LIKE :q ESCAPE '!')", { q: `%${escapeLike(query.q.trim())}%` });
      }
      const [rows, total] = await qb.orderBy('m.id', 'DESC').skip((page - 1) * pageSize).take(pageSize).getManyAndCount();
      return { items: rows.map(present), total, page, pageSize };
    });
  }

  get(id: number): Promise<InboxMessage | null> {
    return this.read(async (em) => {
      const row = await em.getRepository(InboxEntity).findOne({ where: { id } });
      return row ? present(row) : null;
    });
  }

  count(): Promise<number> {
    return this.read((em) => em.getRepository(InboxEntity).count());
  }

  /** Marks a message handled (or not); returns the updated message, null if it does not exist. */
  markHandled(id: number, handledBy: string | null = null, handled = true, now = new Date()): Promise<InboxMessage | null> {
    return this.writer.write(async (em) => {
      const repo = em.getRepository(InboxEntity);
      const result = await repo.update({ id }, handled ? { handled: true, handledAt: now, handledBy } : { handled: false, handledAt: null, handledBy: null });
      if (!result.affected) return null;
      return present((await repo.findOne({ where: { id } }))!);
    });
  }

  /** Links a message to a case (several messages may share one case) and marks it handled. */
  linkToCase(id: number, caseId: string, handledBy: string | null = null, now = new Date()): Promise<InboxMessage | null> {
    return this.writer.write(async (em) => {
      const repo = em.getRepository(InboxEntity);
      const row = await repo.findOne({ where: { id } });
      if (!row) return null;
      await repo.update({ id }, { caseId, handled: true, handledAt: row.handledAt ?? now, handledBy: row.handledBy ?? handledBy });
      return present((await repo.findOne({ where: { id } }))!);
    });
  }

  /**
   * Multipart messages still missing parts whose first part is older than `olderThanMs`.
   * With `markReported`, each group is returned once (its parts are kept either way).
   */
  incompleteGroups(olderThanMs: number, markReported = false, now = new Date()): Promise<IncompleteGroup[]> {
    return this.writer.write(async (em) => {
      const parts = em.getRepository(PartEntity);
      const where = markReported
        ? { state: 'pending' as const, receivedAt: LessThan(new Date(now.getTime() - olderThanMs)), reportedAt: IsNull() }
        : { state: 'pending' as const, receivedAt: LessThan(new Date(now.getTime() - olderThanMs)) };
      const stale = await parts.find({ where, select: { groupKey: true }, take: 1000 });
      const keys = [...new Set(stale.map((row) => row.groupKey))];
      if (keys.length === 0) return [];
      const rows = await parts.find({ where: { groupKey: In(keys), state: 'pending' }, order: { seq: 'ASC' } });
      const groups = new Map<string, PartRow[]>();
      for (const row of rows) groups.set(row.groupKey, [...(groups.get(row.groupKey) ?? []), row]);
      if (markReported) await parts.update({ groupKey: In(keys), state: 'pending' }, { reportedAt: now });
      return [...groups.values()].map((group) => ({
        groupKey: group[0]!.groupKey,
        sender: group[0]!.sender,
        reference: group[0]!.reference,
        total: group[0]!.total,
        received: group.map((row) => row.seq),
        firstReceivedAt: group.reduce((min, row) => (row.receivedAt < min ? row.receivedAt : min), group[0]!.receivedAt),
      }));
    });
  }
}
