/**
 * Who may do what with a task. Reading: its assignee, its candidates, whoever completed it,
 * and anyone who may see its case. Claiming: a candidate (by group or name) while it is free.
 * Completing: the assignee (a candidate completing a free task claims it first). Dispatchers
 * and admins may unclaim a task held by someone else (a person on leave). A task someone may
 * not read is answered like a missing one.
 */
import type { DataSource } from 'typeorm';
import { DomainError } from '../errors/index.js';
import type { Principal } from '../api/src/http/principal.js';
import { CaseEntity } from '../cases/entities.js';
import { assertCanSeeCase } from '../cases/policy.js';
import { TaskCandidateEntity, TaskEntity, type TaskRow } from './entities.js';
import { candidateKeys } from './queries.js';

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
  if (task.state !== 'created') throw new DomainError('task.already_completed', `task ${task.id} is ${task.state}`);
  if (task.assignee && task.assignee !== principal.username) throw new DomainError('task.already_claimed', `task ${task.id} is claimed by ${task.assignee}`, { assignee: task.assignee });
  if (!candidate && task.assignee !== principal.username) throw new DomainError('auth.forbidden', 'you are not a candidate for this task');
}

export function assertCanUnclaim(principal: Principal, task: TaskRow): void {
  if (task.state !== 'created') throw new DomainError('task.already_completed', `task ${task.id} is ${task.state}`);
  const supervisor = principal.role === 'dispatcher' || principal.role === 'admin';
  if (task.assignee && task.assignee !== principal.username && !supervisor) throw new DomainError('auth.forbidden', 'only the assignee or a dispatcher can release this task');
}

export function assertCanComplete(principal: Principal, task: TaskRow, candidate: boolean): void {
  if (task.state !== 'created') throw new DomainError('task.already_completed', `task ${task.id} is ${task.state}`);
  if (task.assignee && task.assignee !== principal.username) throw new DomainError('task.already_claimed', `task ${task.id} is claimed by ${task.assignee}`, { assignee: task.assignee });
  if (!task.assignee && !candidate) throw new DomainError('auth.forbidden', 'you are not a candidate for this task');
}
