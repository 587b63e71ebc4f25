/**
 * Opening cases: validates the report, allocates the case number, and starts the enforcement
 * process with the case's variables; the case row is written in the same transaction that
 * commits the new process instance, so there is never a case without a process or the reverse.
 * Reopening a closed case (重新开启) starts a new instance for the same case the same way.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { ajv } from '../api/src/validation/ajv.js';
import { DomainError } from '../errors/index.js';
import { describeValidationError } from '../errors/validation-messages.js';
import type { WorkflowEngine } from '../engine/port.js';
import { CaseEntity, CaseEventEntity, type CaseEventRow, type CaseRow, type CaseStatus } from './entities.js';
import { allocateCaseNumberRetrying } from './numbering.js';
import { newCaseSchema, type NewCase, type ReopenCase } from './schema.js';
import { caseSearchKeys, indexCase } from './search.js';
import { InvalidPhoneError, normalizePhone } from '../sms/phone.js';
import { reopenPersonCases } from '../tasks/person-cases.js';
import { TaskEntity } from '../tasks/entities.js';
import { updateRows } from '../storage/rows.js';

export const caseProcessId = 'enforcement-case';

/** The statuses a case can be reopened from (an ended process instance). */
export const reopenableStatuses: readonly CaseStatus[] = ['closed', 'dismissed'];

/**
 * What the case record said when it was reopened, kept in the `case.reopened` event: the
 * fields the new round overwrites, so the archive entry of the earlier round can still be
 * checked against the records (archive/store.ts).
 */
export interface ReopenedFrom {
  status: CaseStatus;
  closedAt: Date | null;
  processInstanceKey: string;
  processVersion: number;
  rounds: number;
  unitId: string | null;
  areaId: string | null;
  inspector: string | null;
  officer: string | null;
  lng: number | null;
  lat: number | null;
}

const validateNewCase = ajv.compile<NewCase>(newCaseSchema);

export interface CaseService {
  create(input: unknown, actor: { username: string }, options?: { within?: (row: CaseRow, tx: EntityManager) => Promise<void> }): Promise<CaseRow>;
  /**
   * 重新开启: a closed or dismissed case starts a new round on the latest deployed diagram — a
   * new process instance (派发核实 → 现场核实 again) for the same case, the earlier instance's
   * records and archive entry kept. `within` runs in the same transaction (the repeat SMS linked).
   */
  reopen(id: string, input: ReopenCase, actor: { username: string }, options?: { within?: (row: CaseRow, tx: EntityManager) => Promise<void> }): Promise<CaseRow>;
  get(id: string): Promise<CaseRow>;
  timeline(id: string): Promise<CaseEventRow[]>;
}

export interface CaseServiceDeps {
  dataSource: DataSource;
  engine: WorkflowEngine;
  /** Whether the bureau has this category and uses it (the units store answers; its code is the key). */
  categoryInUse: (code: string) => Promise<boolean>;
  /** The area (单元网格) containing a point, so a located case shows its area from the start. */
  areaOf?: (location: { lng: number; lat: number }) => Promise<string | null>;
}

export function createCaseService(deps: CaseServiceDeps): CaseService {
  const { dataSource, engine, categoryInUse } = deps;
  return {
    async create(input, actor, options = {}) {
      if (!validateNewCase(input)) {
        const errors = (validateNewCase.errors ?? []).map((e) => {
          const { zh, en } = describeValidationError(e);
          return { field: e.instancePath.replace(/^\//, '') || String(e.params.missingProperty ?? e.params.additionalProperty ?? ''), message: en, messageZh: zh };
        });
        throw new DomainError('request.invalid', `invalid case: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, { field: errors[0]?.field, errors });
      }
      if (input.relatedCaseId && !(await dataSource.getRepository(CaseEntity).exists({ where: { id: input.relatedCaseId } }))) {
        throw new DomainError('case.not_found', `no case ${input.relatedCaseId} to refer to`, { field: 'relatedCaseId' });
      }
      if (!(await categoryInUse(input.category))) {
        throw new DomainError('case.unknown_category', `no active case category "${input.category}"`, { field: 'category' });
      }
      if (input.reporterPhone) {
        try {
          input.reporterPhone = normalizePhone(input.reporterPhone);
        } catch (error) {
          if (error instanceof InvalidPhoneError) throw new DomainError('request.invalid', error.message, { field: 'reporterPhone', cause: error });
          throw error;
        }
      }
      const areaId = input.location && deps.areaOf ? await deps.areaOf(input.location) : null;
      const now = new Date();
      // Numbers are allocated in their own short transaction: a failed start leaves a gap in
      // the day's sequence, never a duplicate.
      const number = await allocateCaseNumberRetrying((work) => dataSource.transaction(work), now);
      const id = randomUUID();
      const variables = {
        caseId: id, caseNumber: number, source: input.source, category: input.category, description: input.description,
        address: input.address, location: input.location ?? null, reporterPhone: input.reporterPhone ?? null,
      };
      let row: CaseRow | null = null;
      await engine.startInstance({
        bpmnProcessId: caseProcessId,
        businessKey: id,
        variables,
        within: async (instance, tx) => {
          row = {
            id, number, source: input.source, category: input.category, description: input.description, address: input.address,
            lng: input.location?.lng ?? null, lat: input.location?.lat ?? null, reporterPhone: input.reporterPhone ?? null,
            ...caseSearchKeys(number, input.reporterPhone), status: 'open', currentStep: null, processInstanceKey: instance.key, processVersion: instance.version, unitId: null, areaId,
            inspector: null, officer: null, rounds: 0, createdBy: actor.username, createdAt: now, updatedAt: now, closedAt: null,
            relatedCaseId: input.relatedCaseId ?? null,
          };
          await tx.getRepository(CaseEntity).insert(row);
          const created: Omit<CaseEventRow, 'id'> = {
            caseId: id, at: now, actor: actor.username, type: 'case.created', elementId: 'caseRegistered', taskId: null, round: 0,
            data: { number, source: input.source, category: input.category, description: input.description, address: input.address, location: input.location ?? null, reporterPhone: input.reporterPhone ?? null, processVersion: instance.version },
          };
          await tx.getRepository(CaseEventEntity).insert(created as never);
          await indexCase(tx, row);
          await options.within?.(row, tx);
        },
      });
      return this.get(id);
    },

    async reopen(id, input, actor, options = {}) {
      const reason = input.reason.trim();
      if (!reason) {
        throw new DomainError('request.invalid', 'reason is required', { field: 'reason', errors: [{ field: 'reason', message: 'required', messageZh: '必填' }] });
      }
      const row = await this.get(id);
      const notClosed = () => new DomainError('case.not_closed', `case ${row.number} is ${row.status}`, {
        detailZh: `案件 ${row.number} 仍在办理中，不能重新开启`, caseId: row.id, caseNumber: row.number, caseStatus: row.status,
      });
      if (!reopenableStatuses.includes(row.status)) throw notClosed();
      // the record says closed; the process must have ended too, or two instances would run one case
      const previous = await engine.getInstance(row.processInstanceKey).catch(() => null);
      if (previous?.state === 'active') throw notClosed();
      const round = row.rounds + 1;
      const now = new Date();
      const location = row.lng === null || row.lat === null ? null : { lng: Number(row.lng), lat: Number(row.lat) };
      const from: ReopenedFrom = {
        status: row.status, closedAt: row.closedAt, processInstanceKey: row.processInstanceKey, processVersion: row.processVersion, rounds: row.rounds,
        unitId: row.unitId, areaId: row.areaId ?? null, inspector: row.inspector, officer: row.officer, lng: row.lng, lat: row.lat,
      };
      // The case's own variables, as at its opening — not the last round's answers, which the
      // new round's forms would otherwise show as if given already — and why it is back.
      const variables = {
        caseId: row.id, caseNumber: row.number, source: row.source, category: row.category, description: row.description,
        address: row.address, location, reporterPhone: row.reporterPhone,
        reopenReason: reason, reopenedRound: round, reopenedFrom: row.processInstanceKey,
      };
      await engine.startInstance({
        bpmnProcessId: caseProcessId,
        // one business key per instance: the case id, and the round for a reopened one
        businessKey: `${row.id}:r${round}`,
        variables,
        within: async (instance, tx) => {
          // Only from the state read above: a second dispatcher reopening at the same moment
          // finds the row changed, and their new instance is rolled back with this transaction.
          const affected = await updateRows(tx, CaseEntity, { id: row.id, status: row.status, processInstanceKey: row.processInstanceKey }, {
            status: 'open', closedAt: null, currentStep: null, processInstanceKey: instance.key, processVersion: instance.version, rounds: round, updatedAt: now,
          });
          if (affected !== 1) throw new DomainError('conflict', `case ${row.number} was reopened or changed concurrently`, { detailZh: `案件 ${row.number} 刚被他人重新开启或修改，请刷新后再试` });
          // everyone's part in it is back from 办结 to 已办
          await updateRows(tx, TaskEntity, { caseId: row.id }, { caseOpen: true });
          await reopenPersonCases(tx, row.id);
          const event: Omit<CaseEventRow, 'id'> = {
            caseId: row.id, at: now, actor: actor.username, type: 'case.reopened', elementId: null, taskId: null, round,
            data: { reason, messageId: input.messageId ?? null, processVersion: instance.version, from: from as unknown as Record<string, unknown> },
          };
          await tx.getRepository(CaseEventEntity).insert(event as never);
          await options.within?.({ ...row, status: 'open', closedAt: null, currentStep: null, processInstanceKey: instance.key, processVersion: instance.version, rounds: round, updatedAt: now }, tx);
        },
      });
      return this.get(row.id);
    },

    async get(id) {
      const row = typeof id === 'string' && id.length <= 36 ? await dataSource.getRepository(CaseEntity).findOne({ where: { id } }) : null;
      if (!row) throw new DomainError('case.not_found', `no case ${id}`);
      return row;
    },

    async timeline(id) {
      return dataSource.getRepository(CaseEventEntity).find({ where: { caseId: id }, order: { id: 'ASC' } });
    },
  };
}
