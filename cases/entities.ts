/**
 * The platform's own case records: the case, its timeline (the archive, replayable years
 * later) and the daily case-number counter. Written from the engine's lifecycle events in the
 * engine's own transactions; task lists, search and the archive read these tables.
 */
import { EntitySchema } from 'typeorm';
import { ecol } from '../storage/columns.js';

export type CaseSource = 'sms' | 'hotline' | 'leader' | 'patrol' | 'web';
export type CaseStatus = 'open' | 'closed' | 'dismissed' | 'canceled';

export interface CaseRow {
  id: string;
  number: string;
  source: CaseSource;
  category: string;
  description: string;
  address: string;
  lng: number | null;
  lat: number | null;
  reporterPhone: string | null;
  /** Search keys (cases/search.ts): the number's daily sequence (`0002`) and the phone's last 4 digits. */
  numberSeq?: string | null;
  phoneLast4?: string | null;
  status: CaseStatus;
  currentStep: string | null;
  processInstanceKey: string;
  processVersion: number;
  unitId: string | null;
  /** The area (单元网格) the case lies in, once the unit suggestion found it. */
  areaId?: string | null;
  /** The closed case this one follows up (a repeat complaint, 关联原案件). */
  relatedCaseId?: string | null;
  inspector: string | null;
  officer: string | null;
  /** Dispatch rounds so far: 1 after the first dispatch, +1 for every failed re-check. */
  rounds: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

export interface CaseEventRow {
  id?: number;
  caseId: string;
  at: Date;
  actor: string | null;
  type: string;
  elementId: string | null;
  taskId: string | null;
  round: number;
  data: Record<string, unknown> | null;
}

export interface CaseNumberRow {
  day: string;
  last: number;
}

export const CaseEntity = new EntitySchema<CaseRow>({
  name: 'Case',
  tableName: 'case_record',
  columns: {
    id: ecol.key('id', 36),
    number: ecol.string('number', 32),
    source: ecol.string('source', 16),
    category: ecol.string('category', 64),
    description: ecol.text('description', false),
    address: ecol.string('address', 255),
    lng: ecol.double('lng'),
    lat: ecol.double('lat'),
    reporterPhone: ecol.string('reporter_phone', 32, true),
    numberSeq: ecol.string('number_seq', 16, true),
    phoneLast4: ecol.string('phone_last4', 4, true),
    status: ecol.string('status', 16),
    currentStep: ecol.string('current_step', 64, true),
    processInstanceKey: ecol.string('process_instance_key', 36),
    processVersion: ecol.int('process_version'),
    unitId: ecol.string('unit_id', 64, true),
    areaId: ecol.string('area_id', 64, true),
    inspector: ecol.string('inspector', 128, true),
    relatedCaseId: ecol.string('related_case_id', 36, true),
    officer: ecol.string('officer', 128, true),
    rounds: ecol.int('rounds'),
    createdBy: ecol.string('created_by', 128),
    createdAt: ecol.datetime('created_at'),
    updatedAt: ecol.datetime('updated_at'),
    closedAt: ecol.datetime('closed_at', true),
  },
});

export const CaseEventEntity = new EntitySchema<CaseEventRow>({
  name: 'CaseEvent',
  tableName: 'case_event',
  columns: {
    id: ecol.id('id'),
    caseId: ecol.string('case_id', 36),
    at: ecol.datetime('at'),
    actor: ecol.string('actor', 128, true),
    type: ecol.string('type', 48),
    elementId: ecol.string('element_id', 64, true),
    taskId: ecol.string('task_id', 36, true),
    round: ecol.int('round'),
    data: ecol.json('data'),
  },
});

export const CaseNumberEntity = new EntitySchema<CaseNumberRow>({
  name: 'CaseNumber',
  tableName: 'case_number_seq',
  columns: {
    day: ecol.key('day', 8),
    last: ecol.int('last'),
  },
});

/** One search gram of a case (see cases/search.ts). */
export interface CaseSearchGramRow {
  caseId: string;
  gram: string;
  /** The case's creation time: postings are read newest first (key gram, created_at, case_id). */
  createdAt: Date;
}

export const CaseSearchGramEntity = new EntitySchema<CaseSearchGramRow>({
  name: 'CaseSearchGram',
  tableName: 'case_search_gram',
  columns: {
    gram: { ...ecol.string('gram', 32), primary: true },
    createdAt: { ...ecol.datetime('created_at'), primary: true },
    caseId: { ...ecol.string('case_id', 36), primary: true },
  },
});

export const caseEntities = [CaseEntity, CaseEventEntity, CaseNumberEntity, CaseSearchGramEntity];
