/**
 * `archive` worker: at the end of a case, freezes its record into the hash-chained archive.
 * Idempotent by case and process instance: a re-run (after a crash) returns the entry written
 * the first time; a case reopened for a new round is archived again when that round ends.
 */
import type { Archive } from '../../archive/index.js';
import type { Worker } from '../contract.js';

export interface ArchiveInput {
  caseId: string;
}

export function createArchiveWorker(deps: { archive: Archive }): Worker<ArchiveInput, { archiveHash: string; archiveSeq: number }> {
  return {
    type: 'archive',
    inputSchema: { type: 'object', required: ['caseId'], properties: { caseId: { type: 'string', minLength: 1, maxLength: 36 } } },
    async handle(variables, job) {
      const outcome = job.headers.outcome ?? 'closed';
      const entry = await deps.archive.archiveCase(variables.caseId, outcome, { processInstanceKey: job.processInstanceKey });
      return { archiveHash: entry.chainHash, archiveSeq: entry.seq };
    },
  };
}
