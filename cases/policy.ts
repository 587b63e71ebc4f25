/**
 * Who may see which case (and so its tasks, photos and archive). Dispatchers and admins see
 * every case; a unit lead the cases dispatched to their unit (now or in an earlier round); an
 * officer the cases with a task assigned to or completed by them; an inspector the cases they
 * were sent to. A case someone may not see is answered exactly like a missing one (404), so
 * guessing ids reveals nothing.
 */
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { DomainError } from '../errors/index.js';
import type { Principal } from '../api/src/http/principal.js';
import { TaskCandidateEntity, TaskEntity } from '../tasks/entities.js';
import type { CaseRow } from './entities.js';

export function seesAllCases(principal: Principal): boolean {
  return principal.role === 'dispatcher' || principal.role === 'admin';
}

/** Restricts a case query (alias `c`) to the cases the principal may see. */
export function scopeCases<T extends object>(ds: DataSource, q: SelectQueryBuilder<T>, principal: Principal): SelectQueryBuilder<T> {
  if (seesAllCases(principal)) return q;
  if (principal.role === 'unit-lead') {
    const offered = ds.getRepository(TaskCandidateEntity).createQueryBuilder('sc_c').innerJoin(TaskEntity.options.name, 'sc_t', 'sc_t.id = sc_c.task_id')
      .select('sc_t.case_id').where('sc_c.candidate = :scUnitGroup');
    return q.andWhere(`(c.unit_id = :scUnit OR c.id IN (${offered.getQuery()}))`, { scUnit: principal.unitId ?? '\u0000', scUnitGroup: `group:unit-lead:${principal.unitId ?? '\u0000'}` });
  }
  // two index lookups joined by UNION (an OR over two columns makes MariaDB scan the table)
  const assigned = ds.getRepository(TaskEntity).createQueryBuilder('sc_a').select('sc_a.case_id').where('sc_a.assignee = :scMe');
  const completed = ds.getRepository(TaskEntity).createQueryBuilder('sc_d').select('sc_d.case_id').where('sc_d.completed_by = :scMe');
  return q.andWhere(`c.id IN (${assigned.getQuery()} UNION ${completed.getQuery()})`, { scMe: principal.username });
}

/** Throws `case.not_found` unless the principal may see the case. */
export async function assertCanSeeCase(ds: DataSource, principal: Principal, row: CaseRow): Promise<void> {
  if (seesAllCases(principal)) return;
  const q = scopeCases(ds, ds.getRepository('Case').createQueryBuilder('c').where('c.id = :id', { id: row.id }), principal);
  if ((await q.getCount()) === 0) throw new DomainError('case.not_found', `no case ${row.id}`);
}
