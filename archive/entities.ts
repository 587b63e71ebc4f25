/**
 * The frozen case archive (归档): one entry per closed round of a case (a case reopened for a
 * new round is archived again when it closes again: one entry per process instance) with its full record, chained by
 * SHA-256 — each entry's chain hash covers its own content hash and the previous entry's chain
 * hash — so any later edit of an archived case, or a removed entry, is detectable.
 */
import { EntitySchema } from 'typeorm';
import { ecol } from '../storage/columns.js';

export interface ArchiveEntryRow {
  seq: number;
  caseId: string;
  caseNumber: string;
  /** The process instance (the round of the case) the entry freezes; unique with the case. */
  processInstanceKey: string | null;
  outcome: string;
  processVersion: number;
  archivedAt: Date;
  content: string;
  contentHash: string;
  prevHash: string;
  chainHash: string;
}

export interface ArchiveHeadRow {
  id: number;
  seq: number;
  lastHash: string;
}

export const ArchiveEntryEntity = new EntitySchema<ArchiveEntryRow>({
  name: 'ArchiveEntry',
  tableName: 'archive_entry',
  columns: {
    seq: { ...ecol.int('seq'), primary: true },
    caseId: ecol.string('case_id', 36),
    caseNumber: ecol.string('case_number', 32),
    processInstanceKey: ecol.string('process_instance_key', 36, true),
    outcome: ecol.string('outcome', 32),
    processVersion: ecol.int('process_version'),
    archivedAt: ecol.datetime('archived_at'),
    content: ecol.text('content', false),
    contentHash: ecol.string('content_hash', 64),
    prevHash: ecol.string('prev_hash', 64),
    chainHash: ecol.string('chain_hash', 64),
  },
});

export const ArchiveHeadEntity = new EntitySchema<ArchiveHeadRow>({
  name: 'ArchiveHead',
  tableName: 'archive_head',
  columns: {
    id: { ...ecol.int('id'), primary: true },
    seq: ecol.int('seq'),
    lastHash: ecol.string('last_hash', 64),
  },
});

export const archiveEntities = [ArchiveEntryEntity, ArchiveHeadEntity];
