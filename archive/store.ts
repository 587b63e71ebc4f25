/**
 * Freezing a case into the archive and verifying the chain. The frozen content is built from
 * the platform's records (case, timeline, photo hashes, process version); `verify` recomputes
 * every hash in order and also rebuilds each case's content from the live tables, so both an
 * edited archive entry and an edited case record are reported.
 *
 * A case reopened for a new round (重新开启, cases/service.ts) is archived once per round: one
 * entry per process instance. Its earlier entries are checked against the records as they
 * were at the reopening — the `case.reopened` event keeps the fields the new round overwrites
 * (`from`), and the photos of the new round's tasks are not part of the earlier entry.
 */
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../errors/index.js';
import { CaseEntity, CaseEventEntity } from '../cases/entities.js';
import { canonicalJson } from './canonical-json.js';
import { ArchiveEntryEntity, ArchiveHeadEntity, type ArchiveEntryRow } from './entities.js';

export interface PhotoHash {
  id: string;
  sha256: string;
  phash: string | null;
  /** The task the photo was uploaded to (not frozen: it tells a later round's photos apart). */
  taskId?: string | null;
}

export type PhotoHashLookup = (tx: EntityManager, caseId: string) => Promise<PhotoHash[]>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface ArchiveProblem {
  seq: number;
  caseNumber: string;
  problem: 'content_hash' | 'chain_broken' | 'record_changed' | 'head_mismatch';
  detail: string;
}

export interface ArchiveVerification {
  ok: boolean;
  entries: number;
  lastHash: string;
  problems: ArchiveProblem[];
}

/** The case fields a new round overwrites, as the `case.reopened` event keeps them. */
const reopenedFields = ['processInstanceKey', 'processVersion', 'rounds', 'unitId', 'inspector', 'officer', 'lng', 'lat'] as const;

async function buildContent(tx: EntityManager, caseId: string, outcome: string, photoHashes: PhotoHashLookup, upToEventId?: number) {
  const live = await tx.getRepository(CaseEntity).findOne({ where: { id: caseId } });
  if (!live) throw new DomainError('case.not_found', `no case ${caseId} to archive`);
  const all = await tx.getRepository(CaseEventEntity).find({ where: { caseId }, order: { id: 'ASC' } });
  // When verifying, only the events that existed at archiving time (later ones, such as the
  // archive step's own completion and the case's end, are not part of the frozen record).
  const events = all.filter((e) => upToEventId === undefined || (e.id as number) <= upToEventId);
  let record = live;
  let photos = await photoHashes(tx, caseId);
  if (upToEventId !== undefined) {
    // reopened since: the record as it was then, and none of the later rounds' photos
    const later = all.filter((e) => (e.id as number) > upToEventId);
    const reopened = later.find((e) => e.type === 'case.reopened');
    const from = (reopened?.data as { from?: Record<string, unknown> } | null)?.from;
    if (reopened) {
      record = { ...live };
      for (const field of reopenedFields) (record as unknown as Record<string, unknown>)[field] = from?.[field] ?? null;
      const laterTasks = new Set(later.filter((e) => (e.id as number) > (reopened.id as number) && e.taskId).map((e) => e.taskId));
      photos = photos.filter((p) => !p.taskId || !laterTasks.has(p.taskId));
    }
  }
  photos = photos.map(({ id, sha256, phash }) => ({ id, sha256, phash })).sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    record,
    content: {
      case: {
        id: record.id, number: record.number, source: record.source, category: record.category, description: record.description,
        address: record.address, location: record.lng === null ? null : { lng: record.lng, lat: record.lat }, reporterPhone: record.reporterPhone,
        createdBy: record.createdBy, createdAt: record.createdAt, rounds: record.rounds, unitId: record.unitId, inspector: record.inspector, officer: record.officer,
      },
      outcome,
      processInstanceKey: record.processInstanceKey,
      processVersion: record.processVersion,
      timeline: events.map((e) => ({ id: e.id, at: e.at, actor: e.actor, type: e.type, elementId: e.elementId, taskId: e.taskId, round: e.round, data: e.data })),
      photos,
    },
  };
}

export function createArchive(deps: { dataSource: DataSource; photoHashes?: PhotoHashLookup }) {
  const photoHashes: PhotoHashLookup = deps.photoHashes ?? (async () => []);
  const ds = deps.dataSource;

  return {
    /**
     * Freezes the case's current round (idempotent per process instance: a re-run keeps the
     * entry written first; a case reopened and closed again gets a new entry, appended).
     */
    async archiveCase(caseId: string, outcome: string, options: { processInstanceKey?: string } = {}): Promise<ArchiveEntryRow> {
      return ds.transaction(async (tx) => {
        const current = await tx.getRepository(CaseEntity).findOne({ where: { id: caseId }, select: { id: true, processInstanceKey: true } });
        if (!current) throw new DomainError('case.not_found', `no case ${caseId} to archive`);
        const processInstanceKey = options.processInstanceKey ?? current.processInstanceKey;
        const existing = await tx.getRepository(ArchiveEntryEntity).findOne({ where: { caseId, processInstanceKey } });
        if (existing) return existing;
        if (processInstanceKey !== current.processInstanceKey) {
          throw new DomainError('conflict', `case ${caseId} runs on process instance ${current.processInstanceKey}, not ${processInstanceKey}`);
        }
        const { record, content } = await buildContent(tx, caseId, outcome, photoHashes);
        // Bump the head first: on MySQL the UPDATE takes the row lock that orders appenders.
        await tx.getRepository(ArchiveHeadEntity).createQueryBuilder().update().set({ seq: () => '`seq` + 1' }).where('id = 1').execute();
        const head = await tx.getRepository(ArchiveHeadEntity).findOneOrFail({ where: { id: 1 } });
        const text = canonicalJson(content);
        const contentHash = sha256(text);
        const chainHash = sha256(head.lastHash + contentHash);
        const entry: ArchiveEntryRow = {
          seq: head.seq, caseId, caseNumber: record.number, processInstanceKey, outcome, processVersion: record.processVersion, archivedAt: new Date(),
          content: text, contentHash, prevHash: head.lastHash, chainHash,
        };
        await tx.getRepository(ArchiveEntryEntity).insert(entry);
        await tx.getRepository(ArchiveHeadEntity).update({ id: 1 }, { lastHash: chainHash });
        return entry;
      });
    },
    /** The case's latest entry (its last closed round). */
    async get(caseId: string): Promise<ArchiveEntryRow | null> {
      return ds.getRepository(ArchiveEntryEntity).findOne({ where: { caseId }, order: { seq: 'DESC' } });
    },
    /** Every entry of the case, one per closed round, oldest first. */
    async list(caseId: string): Promise<ArchiveEntryRow[]> {
      return ds.getRepository(ArchiveEntryEntity).find({ where: { caseId }, order: { seq: 'ASC' } });
    },
    /** Recomputes the whole chain and compares each entry with the live records. */
    async verify(): Promise<ArchiveVerification> {
      const problems: ArchiveProblem[] = [];
      let prev = '0'.repeat(64);
      let entries = 0;
      const batch = 500;
      for (let after = 0; ; ) {
        const rows = await ds.getRepository(ArchiveEntryEntity).createQueryBuilder('a').where('a.seq > :after', { after }).orderBy('a.seq', 'ASC').limit(batch).getMany();
        for (const row of rows) {
          entries += 1;
          if (sha256(row.content) !== row.contentHash) problems.push({ seq: row.seq, caseNumber: row.caseNumber, problem: 'content_hash', detail: 'the frozen content does not match its hash' });
          if (row.prevHash !== prev || sha256(prev + row.contentHash) !== row.chainHash) problems.push({ seq: row.seq, caseNumber: row.caseNumber, problem: 'chain_broken', detail: `entry ${row.seq} does not follow entry ${row.seq - 1}` });
          const frozen = JSON.parse(row.content) as { timeline?: { id: number }[] };
          const lastEventId = frozen.timeline?.length ? frozen.timeline[frozen.timeline.length - 1].id : 0;
          const live = await ds.transaction(async (tx) => canonicalJson((await buildContent(tx, row.caseId, row.outcome, photoHashes, lastEventId).catch(() => ({ content: null }))).content));
          if (live !== row.content) problems.push({ seq: row.seq, caseNumber: row.caseNumber, problem: 'record_changed', detail: 'the case records were changed after archiving' });
          prev = row.chainHash;
          after = row.seq;
        }
        if (rows.length < batch) break;
      }
      const head = await ds.getRepository(ArchiveHeadEntity).findOneOrFail({ where: { id: 1 } });
      if (head.lastHash !== prev || head.seq !== entries) problems.push({ seq: head.seq, caseNumber: '', problem: 'head_mismatch', detail: `the chain head (${head.seq}) does not match the ${entries} entries` });
      return { ok: problems.length === 0, entries, lastHash: prev, problems };
    },
  };
}

export type Archive = ReturnType<typeof createArchive>;
