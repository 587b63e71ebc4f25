/**
 * Who stands behind a task when its person cannot do it. A task the diagram offers to groups
 * (派发核实 to the dispatchers, 指派 to the unit's leads) has those groups. A task the diagram
 * gives to one person (现场核实 to the chosen inspector, 执法处置 to the chosen officer) has the
 * groups of the task that chose the person — the last group task of the case completed before it
 * was created — or the dispatchers when there is none. Those groups get a given-back personal
 * task on offer (so no case is left with nobody to act on it) and may reassign it (转派).
 */
import type { EntityManager } from 'typeorm';
import type { Principal } from '../api/src/http/principal.js';
import { TaskCandidateEntity, TaskEntity } from './entities.js';

/** The groups that answer for a task nobody holds when none can be found (the dispatchers see every case). */
export const fallbackSupervisors = ['dispatcher'];

/** How many earlier tasks of the case are looked at for the one that chose the person. */
const lookBack = 20;

export interface SupervisedTask {
  id: string;
  caseId: string;
  createdAt: Date;
  /** The task's own candidate groups in the diagram (the engine's, not the platform's offers). */
  candidateGroups: string[];
  candidateUsers: string[];
}

export async function supervisorGroups(m: EntityManager, task: SupervisedTask): Promise<string[]> {
  if (task.candidateGroups.length) return task.candidateGroups;
  const earlier = await m.getRepository(TaskEntity).createQueryBuilder('t')
    .select(['t.id'])
    .where('t.case_id = :caseId AND t.state = :state AND t.completed_at <= :at AND t.id <> :id', { caseId: task.caseId, state: 'completed', at: task.createdAt, id: task.id })
    .orderBy('t.completed_at', 'DESC').limit(lookBack).getMany();
  if (!earlier.length) return fallbackSupervisors;
  const offers = await m.getRepository(TaskCandidateEntity).createQueryBuilder('tc')
    .where('tc.task_id IN (:...ids)', { ids: earlier.map((t) => t.id) }).getMany();
  for (const { id } of earlier) {
    const groups = offers.filter((o) => o.taskId === id && o.candidate.startsWith('group:')).map((o) => o.candidate.slice('group:'.length));
    if (groups.length) return groups;
  }
  return fallbackSupervisors;
}

/** Admins stand behind every task; others behind the tasks of the groups they belong to. */
export function supervises(principal: Principal, supervisors: readonly string[]): boolean {
  return principal.role === 'admin' || supervisors.some((g) => principal.groups.includes(g));
}
