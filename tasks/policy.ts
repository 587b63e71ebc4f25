/**
 * Who may do what with a task. Reading: its assignee, its candidates, whoever completed it,
 * and anyone who may see its case. Claiming: a candidate (by group or name) while it is free.
 * Completing: the assignee (a candidate completing a free task claims it first). Giving back:
 * the assignee, and for someone else's task (a person on leave) dispatchers, admins and the
 * task's supervisors (see supervision.ts). Reassigning (转派): the supervisors and admins. A
 * task someone may not read is answered like a missing one.
 */
import type { DataSource } from 'typeorm';
import { DomainError } from '../errors/index.js';
import type { Principal } from '../api/src/http/principal.js';
import { CaseEntity } from '../cases/entities.js';
import { assertCanSeeCase } from '../cases/policy.js';
import { TaskCandidateEntity, TaskEntity, type TaskRow } from './entities.js';
import { candidateKeys } from './queries.js';
import { supervises } from './supervision.js';

export async function isCandidate(ds: DataSource, principal: Principal, task: TaskRow): Promise<boolean> {
  const keys = candidateKeys(principal);
  const n = await ds.getRepository(TaskCandidateEntity).createQueryBuilder('tc')
    .where('tc.task_id = :id AND tc.candidate IN (:...keys)', { id: task.id, keys }).getCount();
  return n > 0;
}

/** Loads a task the principal may read, or throws task.not_found. */
export async function loadVisibleTask(ds: DataSource, principal: Principal, id: string): Promise<{ task: TaskRow; candidate: boolean }> {
  const task = await ds.getRepository(TaskEntity).findOne({ where: { id } });
  if (!task) throw new DomainError('task.not_found', `no task ${id}`);
  const candidate = await isCandidate(ds, principal, task);
  if (task.assignee === principal.username || task.completedBy === principal.username || candidate) return { task, candidate };
  const row = await ds.getRepository(CaseEntity).findOne({ where: { id: task.caseId } });
  if (!row) throw new DomainError('task.not_found', `no task ${id}`);
  try {
    await assertCanSeeCase(ds, principal, row);
  } catch {
    throw new DomainError('task.not_found', `no task ${id}`);
  }
  return { task, candidate };
}

export function assertCanClaim(principal: Principal, task: TaskRow, candidate: boolean): void {
  assertOpen(task);
  if (task.assignee && task.assignee !== principal.username) throw new DomainError('task.already_claimed', `task ${task.id} is claimed by ${task.assignee}`, { assignee: task.assignee });
  if (!candidate && task.assignee !== principal.username) throw new DomainError('auth.forbidden', 'you are not a candidate for this task');
}

function assertOpen(task: TaskRow): void {
  if (task.state !== 'created') throw new DomainError('task.already_completed', `task ${task.id} is ${task.state}`);
}

export function mayUnclaim(principal: Principal, task: TaskRow, supervisors: readonly string[]): boolean {
  if (task.state !== 'created' || !task.assignee) return false;
  return task.assignee === principal.username || principal.role === 'dispatcher' || supervises(principal, supervisors);
}

export function assertCanUnclaim(principal: Principal, task: TaskRow, supervisors: readonly string[]): void {
  assertOpen(task);
  if (task.assignee && !mayUnclaim(principal, task, supervisors)) throw new DomainError('auth.forbidden', 'only the assignee, a dispatcher or who assigned the task can give it back');
}

export function mayReassign(principal: Principal, task: TaskRow, supervisors: readonly string[]): boolean {
  return task.state === 'created' && supervises(principal, supervisors);
}

export function assertCanReassign(principal: Principal, task: TaskRow, supervisors: readonly string[]): void {
  assertOpen(task);
  if (!mayReassign(principal, task, supervisors)) throw new DomainError('auth.forbidden', 'only who assigned the task (or an admin) can reassign it');
}

export function assertCanComplete(principal: Principal, task: TaskRow, candidate: boolean): void {
  assertOpen(task);
  if (task.assignee && task.assignee !== principal.username) throw new DomainError('task.already_claimed', `task ${task.id} is claimed by ${task.assignee}`, { assignee: task.assignee });
  if (!task.assignee && !candidate) throw new DomainError('auth.forbidden', 'you are not a candidate for this task');
}
