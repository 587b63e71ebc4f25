/**
 * Appending to and reading the audit log. `record` is the one way in (no update or delete
 * exists); it chains each entry to the previous one under the head row's lock, inside the
 * caller's transaction when given one, so a case action and its audit entry commit together.
 */
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { canonicalJson } from '../archive/index.js';
import { AuditEntryEntity, AuditHeadEntity, type AuditEntryRow, type AuditOutcome } from './entities.js';

export const auditGenesisHash = '0'.repeat(64);

export interface AuditEntry {
  actor: string | null;
  actorRole?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  action: string;
  target?: string | null;
  outcome: AuditOutcome;
  detail?: Record<string, unknown> | null;
}

export interface AuditQuery {
  actor?: string;
  /** An exact action (`auth.login`) or a prefix ending in `.` or `*` (`auth.`, `user.*`). */
  action?: string;
  target?: string;
  outcome?: AuditOutcome;
  from?: Date;
  to?: Date;
  /** Page backwards: only entries with a smaller sequence number. */
  before?: number;
  limit?: number;
}

export interface AuditPage {
  entries: AuditEntryRow[];
  /** Pass as `before` for the next (older) page; null when this was the last one. */
  nextBefore: number | null;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  lastHash: string;
  problems: { seq: number; problem: 'hash' | 'chain_broken' | 'gap' | 'head_mismatch'; detail: string }[];
}

const maxDetailChars = 16_000;
const cut = (value: string | null | undefined, length: number) => (value == null ? null : value.slice(0, length));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The hashed content of an entry: everything but its own hash. */
function entryHash(row: Omit<AuditEntryRow, 'hash'>): string {
  const content = canonicalJson({
    seq: row.seq, at: row.at.toISOString(), actor: row.actor, actorRole: row.actorRole, ip: row.ip, userAgent: row.userAgent,
    action: row.action, target: row.target, outcome: row.outcome, detail: row.detail,
  });
  return sha256(`${row.prevHash}\n${content}`);
}

function cleanDetail(detail: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!detail) return null;
  const json = JSON.stringify(detail);
  if (json.length > maxDetailChars) return { truncated: true, preview: json.slice(0, 2000) };
  return JSON.parse(json) as Record<string, unknown>;
}

export function createAuditLog(deps: { dataSource: DataSource; now?: () => Date }) {
  const ds = deps.dataSource;
  const now = deps.now ?? (() => new Date());

  async function append(tx: EntityManager, entry: AuditEntry): Promise<AuditEntryRow> {
    // Bump the head first: on MySQL the UPDATE takes the row lock that orders appenders.
    await tx.getRepository(AuditHeadEntity).createQueryBuilder().update().set({ seq: () => '`seq` + 1' }).where('id = 1').execute();
    const head = await tx.getRepository(AuditHeadEntity).findOneOrFail({ where: { id: 1 } });
    const at = now();
    const row: Omit<AuditEntryRow, 'hash'> = {
      seq: head.seq,
      at,
      actor: cut(entry.actor, 128),
      actorRole: cut(entry.actorRole, 32),
      ip: cut(entry.ip, 64),
      userAgent: cut(entry.userAgent, 256),
      action: entry.action.slice(0, 64),
      target: cut(entry.target, 160),
      outcome: entry.outcome,
      detail: cleanDetail(entry.detail),
      prevHash: head.lastHash,
    };
    const full: AuditEntryRow = { ...row, hash: entryHash(row) };
    await tx.getRepository(AuditEntryEntity).insert(full as never);
    await tx.getRepository(AuditHeadEntity).update({ id: 1 }, { lastHash: full.hash });
    return full;
  }

  return {
    /**
     * Appends an entry. Inside a transaction pass its manager as `tx` (on SQLite a nested
     * `dataSource.transaction` would wait for the one it is inside).
     */
    async record(entry: AuditEntry, tx?: EntityManager): Promise<AuditEntryRow> {
      if (tx) return append(tx, entry);
      return ds.transaction((manager) => append(manager, entry));
    },

    /** Newest first, filtered, one page at a time. */
    async search(query: AuditQuery = {}): Promise<AuditPage> {
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
      const qb = ds.getRepository(AuditEntryEntity).createQueryBuilder('a');
      if (query.actor) qb.andWhere('a.actor = :actor', { actor: query.actor });
      if (query.action) {
        if (/[.*]$/.test(query.action)) qb.andWhere('a.action LIKE :action', { action: `${query.action.replace(/\*$/, '').replace(/[%_\\]/g, '\\$&')}%` });
        else qb.andWhere('a.action = :action', { action: query.action });
      }
      if (query.target) qb.andWhere('a.target = :target', { target: query.target });
      if (query.outcome) qb.andWhere('a.outcome = :outcome', { outcome: query.outcome });
      if (query.from) qb.andWhere('a.at >= :from', { from: query.from });
      if (query.to) qb.andWhere('a.at < :to', { to: query.to });
      if (query.before !== undefined) qb.andWhere('a.seq < :before', { before: query.before });
      const rows = await qb.orderBy('a.seq', 'DESC').limit(limit + 1).getMany();
      const entries = rows.slice(0, limit);
      return { entries, nextBefore: rows.length > limit ? entries[entries.length - 1].seq : null };
    },

    /** Recomputes every hash in order: an edited, inserted or deleted entry is reported. */
    async verify(): Promise<AuditVerification> {
      const problems: AuditVerification['problems'] = [];
      let prev = auditGenesisHash;
      let expectedSeq = 1;
      let entries = 0;
      const batch = 1000;
      for (let after = 0; ; ) {
        const rows = await ds.getRepository(AuditEntryEntity).createQueryBuilder('a').where('a.seq > :after', { after }).orderBy('a.seq', 'ASC').limit(batch).getMany();
        for (const row of rows) {
          entries += 1;
          if (row.seq !== expectedSeq) problems.push({ seq: row.seq, problem: 'gap', detail: `entry ${expectedSeq} is missing` });
          if (row.prevHash !== prev) problems.push({ seq: row.seq, problem: 'chain_broken', detail: `entry ${row.seq} does not follow the entry before it` });
          const { hash, ...rest } = row;
          if (entryHash(rest) !== hash) problems.push({ seq: row.seq, problem: 'hash', detail: `entry ${row.seq} was changed after it was written` });
          prev = hash;
          expectedSeq = row.seq + 1;
          after = row.seq;
        }
        if (rows.length < batch) break;
      }
      const head = await ds.getRepository(AuditHeadEntity).findOneOrFail({ where: { id: 1 } });
      if (head.lastHash !== prev || head.seq !== expectedSeq - 1) problems.push({ seq: head.seq, problem: 'head_mismatch', detail: `the chain head (${head.seq}) does not match the last entry (${expectedSeq - 1})` });
      return { ok: problems.length === 0, entries, lastHash: prev, problems };
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;

/** Where a request came from, for an audit entry. */
export function requestOrigin(ctx: { ip?: string; get(name: string): string }): { ip: string | null; userAgent: string | null } {
  return { ip: ctx.ip || null, userAgent: ctx.get('user-agent') || null };
}
