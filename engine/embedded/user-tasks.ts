/**
 * User-task commands of the embedded engine. Reading, claiming and giving back touch only the
 * task rows (no instance is rebuilt for them); completing rebuilds the instance, signals the
 * task's activity and commits through the instance store.
 */
import type { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { DomainError } from '../../errors/index.js';
import type { Actor, CompleteOptions, EngineHooks, UserTask, UserTaskFilter, Variables } from '../port.js';
import type { UserTaskElement } from './diagram.js';
import { UserTaskEntity, type UserTaskRow } from './entities.js';
import type { InstanceStore } from './instance-store.js';
import { applyMappings, plainVariables, toTask } from './rows.js';
import { findRowByKey, updateRows } from '../../storage/rows.js';

function checkAssignee(assignee: string): void {
  if (typeof assignee !== 'string' || !assignee.trim() || assignee.length > 128) throw new DomainError('request.invalid', 'assignee must be a non-empty string', { field: 'assignee' });
}

export class UserTaskCommands {
  constructor(
    private readonly ds: DataSource,
    private readonly store: InstanceStore,
    private readonly hooks: EngineHooks,
  ) {}

  async list(filter: UserTaskFilter = {}): Promise<UserTask[]> {
    const where: FindOptionsWhere<UserTaskRow> = {};
    if (filter.state) where.state = filter.state;
    if (filter.processInstanceKey) where.instanceKey = filter.processInstanceKey;
    if (filter.elementId) where.elementId = filter.elementId;
    if (filter.assignee) where.assignee = filter.assignee;
    const rows = await this.ds.getRepository(UserTaskEntity).find({ where, order: { createdAt: 'ASC' } });
    return rows.map(toTask);
  }

  async get(key: string): Promise<UserTask> {
    return toTask(await this.row(key));
  }

  private async row(key: string, tx: EntityManager = this.ds.manager): Promise<UserTaskRow> {
    if (typeof key !== 'string' || key.length > 64) throw new DomainError('task.not_found', 'no such task', { field: 'taskKey' });
    const row = await findRowByKey(tx, UserTaskEntity, 'key', key);
    if (!row) throw new DomainError('task.not_found', `no user task ${key}`, { field: 'taskKey' });
    return row;
  }

  async claim(key: string, assignee: string, options: { actor?: Actor } = {}): Promise<UserTask> {
    checkAssignee(assignee);
    return this.ds.transaction(async (tx) => {
      const row = await this.openRow(key, tx);
      if (row.assignee && row.assignee !== assignee) throw new DomainError('task.already_claimed', `task ${key} is claimed by ${row.assignee}`, { assignee: row.assignee });
      if (row.assignee === assignee) return toTask(row);
      const affected = await updateRows(tx, UserTaskEntity, { key, state: 'created', assignee: null }, { assignee });
      if (affected !== 1) throw new DomainError('task.already_claimed', `task ${key} was claimed concurrently`);
      const task = { ...toTask(row), assignee };
      await this.hooks.userTaskAssigned?.({ task, variables: {}, actor: options.actor ?? { username: assignee }, previousAssignee: null }, tx);
      return task;
    });
  }

  async unclaim(key: string, options: { actor?: Actor; reason?: string } = {}): Promise<UserTask> {
    return this.ds.transaction(async (tx) => {
      const row = await this.openRow(key, tx);
      if (!row.assignee) return toTask(row);
      await tx.getRepository(UserTaskEntity).update({ key, state: 'created' }, { assignee: null });
      const task = { ...toTask(row), assignee: null };
      await this.hooks.userTaskAssigned?.({ task, variables: {}, actor: options.actor ?? null, previousAssignee: row.assignee, reason: options.reason ?? null }, tx);
      return task;
    });
  }

  async reassign(key: string, assignee: string, options: { actor?: Actor; reason?: string } = {}): Promise<UserTask> {
    checkAssignee(assignee);
    return this.ds.transaction(async (tx) => {
      const row = await this.openRow(key, tx);
      if (row.assignee === assignee) return toTask(row);
      // only the holder read above is replaced: a claim or reassign that got in between wins
      const result = await tx.createQueryBuilder().update(UserTaskEntity).set({ assignee })
        .where(row.assignee === null ? 'key = :key AND state = :state AND assignee IS NULL' : 'key = :key AND state = :state AND assignee = :previous', { key, state: 'created', previous: row.assignee })
        .execute();
      if (result.affected !== 1) throw new DomainError('task.already_claimed', `task ${key} changed hands concurrently`);
      const task = { ...toTask(row), assignee };
      await this.hooks.userTaskAssigned?.({ task, variables: {}, actor: options.actor ?? null, previousAssignee: row.assignee, reason: options.reason ?? null, reassigned: true }, tx);
      return task;
    });
  }

  /** The task's row while it is open (created), else task.already_completed. */
  private async openRow(key: string, tx: EntityManager): Promise<UserTaskRow> {
    const row = await this.row(key, tx);
    if (row.state !== 'created') throw new DomainError('task.already_completed', `task ${key} is ${row.state}`);
    return row;
  }

  async complete(key: string, submitted: Variables, options: CompleteOptions = {}): Promise<UserTask> {
    const variables = plainVariables(submitted, 'task variables');
    const first = await this.row(key);
    return this.store.withLock(first.instanceKey, async () => {
      const row = await this.row(key);
      if (row.state === 'completed') throw new DomainError('task.already_completed', `task ${key} is already completed`);
      if (row.state === 'canceled') throw new DomainError('task.already_completed', `task ${key} was canceled`);
      const live = await this.store.load(row.instanceKey);
      const element = live.def.model.waits.get(row.elementId) as UserTaskElement | undefined;
      const merged = element?.outputs.length ? applyMappings(element.outputs, { ...live.rt.variables, ...variables }) : variables;
      const task: UserTask = { ...toTask(row), state: 'completed', completedAt: new Date() };
      const outcome = await this.store.advance(live, (rt) => {
        rt.mergeVariables(merged);
        rt.signal(row.elementId, row.executionId);
      }, {
        closed: row.executionId,
        before: async (tx, vars) => {
          const affected = await updateRows(tx, UserTaskEntity, { key, state: 'created' }, { state: 'completed', completedAt: task.completedAt });
          if (affected !== 1) throw new DomainError('task.already_completed', `task ${key} was completed concurrently`);
          await this.hooks.userTaskCompleted?.({ task, variables: vars, actor: options.actor ?? null, submitted: variables }, tx);
          await options.within?.(task, tx);
        },
      });
      if (!outcome.ok) throw new DomainError('task.completion_rejected', `completing ${row.elementId} fails: ${outcome.reason}`);
      return task;
    });
  }
}
