/**
 * The platform's task records: every user task with who may take it, who took and completed
 * it, when, and the submitted form data. Candidate groups and users sit in their own indexed
 * table so "tasks I may claim" is an index lookup, not a scan of JSON.
 */
import { EntitySchema } from 'typeorm';
import { ecol } from '../storage/columns.js';

export type TaskState = 'created' | 'completed' | 'canceled';

export interface TaskRow {
  id: string;
  caseId: string;
  processInstanceKey: string;
  elementId: string;
  name: string | null;
  formId: string | null;
  assignee: string | null;
  state: TaskState;
  round: number;
  createdAt: Date;
  claimedAt: Date | null;
  completedAt: Date | null;
  completedBy: string | null;
  formData: Record<string, unknown> | null;
  /** The form as typed so far and the photos uploaded, by whom (JSON), until the task is completed. */
  draft?: TaskDraft | null;
  /** True while the task's case is open (已办 vs 办结); the record hooks keep it. */
  caseOpen?: boolean;
}

export interface TaskDraft {
  by: string;
  savedAt: string;
  data: Record<string, unknown>;
  photos: Record<string, string[]>;
}

export interface TaskCandidateRow {
  taskId: string;
  /** `group:<name>` or `user:<username>`. */
  candidate: string;
  /** True while the task is open and unclaimed (still on offer to this candidate). */
  open?: boolean;
  createdAt?: Date | null;
}

export const TaskEntity = new EntitySchema<TaskRow>({
  name: 'Task',
  tableName: 'task_record',
  columns: {
    id: ecol.key('id', 36),
    caseId: ecol.string('case_id', 36),
    processInstanceKey: ecol.string('process_instance_key', 36),
    elementId: ecol.string('element_id', 64),
    name: ecol.string('name', 255, true),
    formId: ecol.string('form_id', 128, true),
    assignee: ecol.string('assignee', 128, true),
    state: ecol.string('state', 16),
    round: ecol.int('round'),
    createdAt: ecol.datetime('created_at'),
    claimedAt: ecol.datetime('claimed_at', true),
    completedAt: ecol.datetime('completed_at', true),
    completedBy: ecol.string('completed_by', 128, true),
    formData: ecol.json('form_data'),
    caseOpen: { name: 'case_open', type: 'boolean', default: true },
    draft: { ...ecol.json('draft'), nullable: true, select: false },
  },
});

export const TaskCandidateEntity = new EntitySchema<TaskCandidateRow>({
  name: 'TaskCandidate',
  tableName: 'task_candidate',
  columns: {
    taskId: { ...ecol.string('task_id', 36), primary: true },
    candidate: { ...ecol.string('candidate', 160), primary: true },
    open: { name: 'open', type: 'boolean', default: true },
    createdAt: ecol.datetime('created_at', true),
  },
});

/** One step of a case a person did, as often as they did it (a failed re-check brings 核查 back). */
export interface PersonStep {
  elementId: string;
  name: string | null;
  count: number;
}

/**
 * A person's part in one case: what 已办 / 办结 list, one row per case rather than per task.
 * Written in the transaction that records each completion (tasks/person-cases.ts), so reading
 * a page of cases is one index range of (person, case_open, last_done_at), never a GROUP BY
 * over the person's task rows.
 */
export interface TaskPersonCaseRow {
  person: string;
  caseId: string;
  /** True while the case is open (已办), false once it ended (办结). */
  caseOpen: boolean;
  /** When the person last completed a task of the case: the lists' order. */
  lastDoneAt: Date;
  /** Tasks of the case the person completed. */
  taskCount: number;
  /** The steps they did, in the order they first did each. */
  steps: PersonStep[];
}

export const TaskPersonCaseEntity = new EntitySchema<TaskPersonCaseRow>({
  name: 'TaskPersonCase',
  tableName: 'task_person_case',
  columns: {
    person: { ...ecol.string('person', 128), primary: true },
    caseId: { ...ecol.string('case_id', 36), primary: true },
    caseOpen: { name: 'case_open', type: 'boolean', default: true },
    lastDoneAt: ecol.datetime('last_done_at'),
    taskCount: ecol.int('task_count'),
    steps: { ...ecol.json('steps'), nullable: false },
  },
});

export const taskEntities = [TaskEntity, TaskCandidateEntity, TaskPersonCaseEntity];
