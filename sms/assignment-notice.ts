/**
 * Assignment reaches people: when a task is given to a person — the diagram names them (现场核实
 * to the chosen inspector, 执法处置 to the chosen officer) or someone reassigns it (转派) — they
 * get an SMS, if their role is one the bureau notifies (NOTIFY_ASSIGNED_ROLES). Claiming one's
 * own task sends nothing. The message is queued in the engine's transaction, so it goes out
 * exactly when the assignment commits, once (keyed by task and person).
 */
import type { EntityManager } from 'typeorm';
import type { EngineHooks, UserTask, Variables } from '../engine/port.js';
import { CaseEntity } from '../cases/index.js';
import { TaskEntity } from '../tasks/entities.js';
import { findRow } from '../storage/rows.js';
import { enqueueWithin } from './outbox-store.js';
import { isValidPhone } from './phone.js';

/** A person's phone and role, read in the caller's transaction (identity provides it). */
export type ContactLookup = (em: EntityManager, username: string) => Promise<{ phone: string | null; role: string; displayName: string } | null>;

export interface AssignmentNoticeConfig {
  /** Roles whose people are told of a task given to them (default inspector and officer). */
  roles: readonly string[];
  /** The signature in 【】 (default 城管执法). */
  signature?: string;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function assignmentNoticeText(signature: string, task: Pick<UserTask, 'name' | 'elementId'>, variables: Variables): string {
  const number = typeof variables.caseNumber === 'string' ? variables.caseNumber : '';
  const address = typeof variables.address === 'string' ? clip(variables.address, 30) : '';
  return `【${signature}】您有新任务：${task.name ?? task.elementId}，案件${number}${address ? `（${address}）` : ''}，请登录派单平台办理。`;
}

export function createAssignmentNotices(deps: { contactOf: ContactLookup; config: AssignmentNoticeConfig }): EngineHooks {
  const roles = new Set(deps.config.roles);
  const signature = deps.config.signature ?? '城管执法';

  async function notify(tx: EntityManager, task: UserTask, variables: Variables): Promise<void> {
    if (!task.assignee || roles.size === 0 || typeof variables.caseId !== 'string') return;
    const contact = await deps.contactOf(tx, task.assignee);
    if (!contact || !roles.has(contact.role) || !contact.phone || !isValidPhone(contact.phone)) return;
    await enqueueWithin(tx, {
      to: contact.phone, text: assignmentNoticeText(signature, task, variables), caseId: variables.caseId,
      jobKey: `assigned:${task.key}:${task.assignee}`,
    });
  }

  return {
    async userTaskCreated({ task, variables }, tx) {
      await notify(tx, task, variables);
    },
    async userTaskAssigned({ task, reassigned }, tx) {
      if (!reassigned || !task.assignee) return;
      // the assigned event carries no variables: the case record has the number and address
      const record = await findRow(tx, TaskEntity, { id: task.key }, ['id', 'caseId']);
      const row = record ? await findRow(tx, CaseEntity, { id: record.caseId }, ['id', 'number', 'address']) : null;
      if (row) await notify(tx, task, { caseId: row.id, caseNumber: row.number, address: row.address });
    },
  };
}
