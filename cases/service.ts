/**
 * Opening cases: validates the report, allocates the case number, and starts the enforcement
 * process with the case's variables; the case row is written in the same transaction that
 * commits the new process instance, so there is never a case without a process or the reverse.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { ajv } from '../api/src/validation/ajv.js';
import { DomainError } from '../errors/index.js';
import { describeValidationError } from '../errors/validation-messages.js';
import type { WorkflowEngine } from '../engine/port.js';
import { CaseEntity, CaseEventEntity, type CaseEventRow, type CaseRow } from './entities.js';
import { allocateCaseNumberRetrying } from './numbering.js';
import { newCaseSchema, type NewCase } from './schema.js';
import { caseSearchKeys, indexCase } from './search.js';
import { InvalidPhoneError, normalizePhone } from '../sms/phone.js';

export const caseProcessId = 'enforcement-case';

const validateNewCase = ajv.compile<NewCase>(newCaseSchema);

export interface CaseService {
  create(input: unknown, actor: { username: string }, options?: { within?: (row: CaseRow, tx: EntityManager) => Promise<void> }): Promise<CaseRow>;
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
