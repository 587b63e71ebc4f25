/**
 * The embedded engine's durability protocol, in one place. An instance lives in the database;
 * for an action it is rebuilt in memory (or found among the few recently used, see
 * instance-cache.ts), signalled, and committed:
 *
 *   1. `withLock(key)`  — one action per instance at a time (jobs, timers, messages, people);
 *   2. `load(key)`      — the live runtime: cached, or recovered from its saved bpmn-engine state
 *                         with its open wait states read back from their tables;
 *   3. `advance(...)`   — signal the runtime; if the diagram refuses (no gateway condition
 *                         matches, a FEEL error), drop the runtime and report: the database
 *                         still holds the last committed state, so the case stays where it was;
 *   4. `commit(...)`    — one transaction: the instance row (optimistic revision check), the
 *                         step's own work (close the wait it answered, call the hooks), and the
 *                         reconciliation of wait states against what the runtime now waits for —
 *                         new user tasks, jobs, timers, subscriptions created; vanished ones
 *                         canceled or fired. Wait states are keyed by (instance, execution id),
 *                         so a recovered instance never creates one twice.
 *
 * If a commit fails, the runtime is dropped too: memory never runs ahead of the database.
 * A saved state that cannot be recovered raises an incident for that instance alone.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../errors/index.js';
import type { EngineHooks, ProcessInstance, Variables } from '../port.js';
import type { DefinitionStore, LoadedDefinition } from './definitions.js';
import type { UserTaskElement } from './diagram.js';
import {
  IncidentEntity, InstanceEntity, JobEntity, SubscriptionEntity, TimerEntity, UserTaskEntity, type InstanceRow, type UserTaskRow,
} from './entities.js';
import { evaluateExpression, evaluateList } from './feel.js';
import { InstanceCache } from './instance-cache.js';
import { insertIncident, recoveryIncidentType } from './incidents.js';
import { KeyedMutex } from './keyed-mutex.js';
import { InstanceRuntime } from './runtime.js';
import { toTask } from './rows.js';
import { findRowByKey, insertRows, updateRows } from '../../storage/rows.js';

interface OpenWait {
  kind: 'userTask' | 'job' | 'timer' | 'message';
  key: string;
  elementId: string;
  dueAt?: Date;
}

/** An instance rebuilt in memory, with what the database says it waits for. */
export interface LiveInstance {
  key: string;
  rt: InstanceRuntime;
  def: LoadedDefinition;
  /** Open wait states by execution id, as last committed. */
  open: Map<string, OpenWait>;
  revision: number;
  businessKey: string | null;
  startedAt: Date;
  /** Not yet in the database (a new instance's first commit inserts it). */
  fresh: boolean;
  /**
   * Rebuilt from the database for the action at hand (a cache miss). Such an instance stays in
   * memory after its commit only if the commit handed jobs to the executor (they act on it within
   * milliseconds); otherwise it is dropped at once, see `commit`.
   */
  rebuilt?: boolean;
}

export interface Step {
  /** Work done first in the transaction (close the answered wait, call hooks). */
  before?: (tx: EntityManager, variables: Variables) => Promise<void>;
  /** Execution id of the wait `before` closed. */
  closed?: string;
}

export type Advance = { ok: true } | { ok: false; reason: string };

export interface InstanceStoreOptions {
  dataSource: DataSource;
  definitions: DefinitionStore;
  hooks: EngineHooks;
  cache: { maxEntries: number; maxHeapBytes: number };
  /** Called with the keys of jobs a commit created (the job executor runs them). */
  onJobsCreated: (jobKeys: string[]) => void;
}

export class InstanceStore {
  private readonly ds: DataSource;
  private readonly hooks: EngineHooks;
  private readonly locks = new KeyedMutex();
  readonly cache: InstanceCache<LiveInstance>;
  /** Instances whose recovery failed, by key, with the incident raised (cleared by a retry). */
  private readonly unrecoverable = new Map<string, string>();
  /** Recoveries from the database since start (the benchmarks report hits and misses). */
  recoveries = 0;
  private openWaitsSql?: string;

  constructor(private readonly options: InstanceStoreOptions) {
    this.ds = options.dataSource;
    this.hooks = options.hooks;
    this.cache = new InstanceCache(options.cache);
  }

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(key, fn);
  }

  /** A new instance, started in memory: its first `commit` inserts the row. */
  async begin(def: LoadedDefinition, variables: Variables, businessKey: string | null): Promise<LiveInstance> {
    const key = randomUUID();
    const rt = new InstanceRuntime(key, def.row.key, def.sourceContext);
    await rt.start(variables);
    if (rt.failed) throw new DomainError('process.start_failed', rt.errors.join('; '));
    return { key, rt, def, open: new Map(), revision: 0, businessKey, startedAt: new Date(), fresh: true };
  }

  /** The live instance (call under `withLock`): cached, or recovered from the database. */
  async load(key: string): Promise<LiveInstance> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    // the row and its open wait states in parallel (MariaDB runs them on two connections)
    const [row, open] = await Promise.all([findRowByKey(this.ds, InstanceEntity, 'key', key), this.openWaits(key)]);
    if (!row) throw new DomainError('instance.not_found', `no process instance ${key}`);
    if (row.state !== 'active' || !row.engineState) throw new DomainError('instance.not_found', `process instance ${key} is ${row.state}`);
    const held = this.unrecoverable.get(key);
    if (held) throw unrecoverableError(key, `incident ${held} is open`);
    let live: LiveInstance;
    try {
      live = await this.recover(row, open);
    } catch (error) {
      const reason = error instanceof DomainError ? (error.detail ?? error.message) : (error as Error).message;
      await this.raiseRecoveryIncident(row, reason);
      throw unrecoverableError(key, reason, error);
    }
    this.recoveries += 1;
    this.cache.set(key, live);
    // Resuming may have fired timers that fell due while nobody held the instance: commit that.
    const waitingNow = new Set(live.rt.waiting().map((w) => w.executionId));
    const moved = live.rt.completed || [...live.open.keys()].some((id) => !waitingNow.has(id)) || [...waitingNow].some((id) => !live.open.has(id));
    if (moved) await this.commit(live, {});
    return live;
  }

  private async recover(row: InstanceRow, open: Map<string, OpenWait>): Promise<LiveInstance> {
    const def = await this.options.definitions.get(row.definitionKey);
    const saved = JSON.parse(row.engineState as string) as unknown;
    const key = row.key;
    const rt = new InstanceRuntime(key, def.row.key, def.sourceContext);
    await rt.recover(saved);
    if (rt.failed) throw new Error(`bpmn-engine cannot resume the saved state: ${rt.errors.join('; ')}`);
    return { key, rt, def, open, revision: row.revision, businessKey: row.businessKey, startedAt: row.startedAt, fresh: false, rebuilt: true };
  }

  /**
   * What the database says the instance waits for, by execution id: its open user tasks, jobs
   * (failed ones too: an incident still holds its activity, so it must not be canceled), timers
   * and message subscriptions. One statement, as every rebuild reads it.
   */
  private async openWaits(key: string): Promise<Map<string, OpenWait>> {
    const sql = this.openWaitsSql ??= (() => {
      const q = (name: string) => this.ds.driver.escape(name);
      const table = (entity: Parameters<DataSource['getMetadata']>[0]) => q(this.ds.getMetadata(entity).tableName);
      const columns = `${q('key')} AS wait_key, execution_id, element_id`;
      return [
        `SELECT 'userTask' AS kind, ${columns}, NULL AS due_at FROM ${table(UserTaskEntity)} WHERE instance_key = ? AND state = 'created'`,
        `SELECT 'job' AS kind, ${columns}, NULL AS due_at FROM ${table(JobEntity)} WHERE instance_key = ? AND state IN ('activatable', 'failed')`,
        `SELECT 'timer' AS kind, ${columns}, due_at FROM ${table(TimerEntity)} WHERE instance_key = ? AND state = 'active'`,
        `SELECT 'message' AS kind, ${columns}, NULL AS due_at FROM ${table(SubscriptionEntity)} WHERE instance_key = ? AND state = 'active'`,
      ].join(' UNION ALL ');
    })();
    const dueAt = this.ds.getMetadata(TimerEntity).findColumnWithPropertyName('dueAt');
    const rows = await this.ds.query(sql, [key, key, key, key]) as { kind: OpenWait['kind']; wait_key: string; execution_id: string; element_id: string; due_at: unknown }[];
    const open = new Map<string, OpenWait>();
    for (const r of rows) {
      const wait: OpenWait = { kind: r.kind, key: r.wait_key, elementId: r.element_id };
      if (r.kind === 'timer' && dueAt) wait.dueAt = this.ds.driver.prepareHydratedValue(r.due_at, dueAt) as Date;
      open.set(r.execution_id, wait);
    }
    return open;
  }

  private async raiseRecoveryIncident(row: InstanceRow, reason: string): Promise<void> {
    await this.ds.transaction(async (tx) => {
      const open = await tx.getRepository(IncidentEntity).findOne({ where: { instanceKey: row.key, state: 'active', jobKey: '' }, select: { key: true } });
      const incident = open ?? await insertIncident(tx, this.hooks, {
        instanceKey: row.key, elementId: '', jobKey: '', jobType: recoveryIncidentType,
        message: `the saved state of process instance ${row.key} (${row.bpmnProcessId} v${row.version}) cannot be recovered: ${reason}`,
      });
      this.unrecoverable.set(row.key, incident.key);
    });
  }

  /** Forgets a failed recovery so the next `load` tries again (an admin retried the incident). */
  allowRecovery(key: string): void {
    this.unrecoverable.delete(key);
  }

  /** Drops the in-memory runtime; the database holds the instance. */
  drop(key: string): void {
    this.cache.delete(key);
  }

  clear(): void {
    this.cache.clear();
  }

  /**
   * The one signal-then-commit sequence: applies `signal` to the runtime; when the diagram
   * refuses it, drops the runtime (the case stays at its last committed state) and says why;
   * otherwise commits the step.
   */
  async advance(live: LiveInstance, signal: (rt: InstanceRuntime) => void, step: Step): Promise<Advance> {
    signal(live.rt);
    if (live.rt.failed) {
      this.drop(live.key);
      return { ok: false, reason: live.rt.errors.join('; ') };
    }
    await this.commit(live, step);
    return { ok: true };
  }

  /** Commits the runtime's current state and the step in one transaction (see the header). */
  async commit(live: LiveInstance, step: Step): Promise<void> {
    const { rt, def } = live;
    const engineState = rt.snapshot();
    const variables = rt.variables;
    const completed = rt.completed;
    const waiting = rt.waiting();
    const now = new Date();
    const newJobs: string[] = [];
    const open = new Map(live.open);
    try {
      await this.ds.transaction(async (tx) => {
        const state = completed ? 'completed' : 'active';
        const ended = completed ? { endedAt: now, endElementId: rt.endElementId } : {};
        if (live.fresh) {
          await insertRows(tx, InstanceEntity, [{
            key: live.key, definitionKey: def.row.key, bpmnProcessId: def.row.bpmnProcessId, version: def.row.version, state,
            businessKey: live.businessKey, engineState, variables: variables as never, revision: 1, startedAt: live.startedAt,
            endedAt: null, endElementId: null, ...ended,
          }]);
        } else {
          const affected = await updateRows(tx, InstanceEntity, { key: live.key, revision: live.revision }, { engineState, variables: variables as never, revision: live.revision + 1, state, ...ended });
          if (affected !== 1) throw new DomainError('conflict', `process instance ${live.key} was changed by another writer`);
        }
        await step.before?.(tx, variables);
        if (step.closed) open.delete(step.closed);
        await this.reconcile(live, tx, open, waiting, variables, newJobs);
        if (completed) await this.hooks.instanceEnded?.(this.endedInstance(live, now), variables, tx);
      });
    } catch (error) {
      this.drop(live.key);
      throw error;
    }
    live.revision += 1;
    live.fresh = false;
    live.open = open;
    // What stays in memory: an instance acted on again and again (each step's jobs, a person
    // working through consecutive steps), not one rebuilt for a single action on a case that will
    // wait for a person for hours. Keeping that one costs more than rebuilding it when the next
    // action comes: it outlives the young generation, so the collector copies its 2 MiB of
    // objects twice and frees them later in a full collection (bench:scale, random actions over
    // 20,000 cases: 40% more CPU per rebuild with the last 16 kept than with none).
    if (completed || (live.rebuilt && !newJobs.length)) this.drop(live.key);
    else {
      live.rebuilt = false;
      this.cache.set(live.key, live);
    }
    if (newJobs.length) this.options.onJobsCreated(newJobs);
  }

  endedInstance(live: LiveInstance, endedAt: Date): ProcessInstance {
    const { def } = live;
    return {
      key: live.key, bpmnProcessId: def.row.bpmnProcessId, version: def.row.version, definitionKey: def.row.key, state: 'completed',
      businessKey: live.businessKey, startedAt: live.startedAt, endedAt, endElementId: live.rt.endElementId,
    };
  }

  private async reconcile(
    live: LiveInstance, tx: EntityManager, open: Map<string, OpenWait>,
    waiting: ReturnType<InstanceRuntime['waiting']>, variables: Variables, newJobs: string[],
  ): Promise<void> {
    const { rt, def } = live;
    const now = new Date();
    const waitingIds = new Set(waiting.map((w) => w.executionId));
    for (const [executionId, wait] of open) {
      if (waitingIds.has(executionId)) continue;
      open.delete(executionId);
      switch (wait.kind) {
        case 'userTask': {
          await updateRows(tx, UserTaskEntity, { key: wait.key, state: 'created' }, { state: 'canceled', completedAt: now });
          const row = await findRowByKey(tx, UserTaskEntity, 'key', wait.key);
          if (row) await this.hooks.userTaskCanceled?.({ task: toTask(row), variables }, tx);
          break;
        }
        case 'job':
          await updateRows(tx, JobEntity, { key: wait.key }, { state: 'canceled' });
          break;
        case 'timer':
          await tx.getRepository(TimerEntity).update({ key: wait.key }, { state: wait.dueAt && wait.dueAt <= now ? 'fired' : 'canceled' });
          break;
        case 'message':
          await tx.getRepository(SubscriptionEntity).update({ key: wait.key }, { state: 'canceled' });
          break;
      }
    }
    for (const w of waiting) {
      if (open.has(w.executionId)) continue;
      const element = def.model.waits.get(w.elementId);
      if (!element) continue;
      const key = randomUUID();
      const base = { key, instanceKey: live.key, executionId: w.executionId, elementId: w.elementId };
      switch (element.kind) {
        case 'userTask': {
          const task = newUserTask(base, element, def, variables, now);
          await insertRows(tx, UserTaskEntity, [task]);
          await this.hooks.userTaskCreated?.({ task: toTask(task), variables }, tx);
          open.set(w.executionId, { kind: 'userTask', key, elementId: w.elementId });
          break;
        }
        case 'job': {
          await insertRows(tx, JobEntity, [{
            ...base, type: element.type, state: 'activatable', retries: element.retries, attempts: 0, headers: element.headers, dueAt: now,
            errorMessage: null, bpmnProcessId: def.row.bpmnProcessId, processVersion: def.row.version, createdAt: now, completedAt: null,
          }]);
          newJobs.push(key);
          open.set(w.executionId, { kind: 'job', key, elementId: w.elementId });
          break;
        }
        case 'timer': {
          const dueAt = rt.timerDue.get(w.executionId) ?? now;
          await tx.getRepository(TimerEntity).insert({ ...base, dueAt, state: 'active' });
          open.set(w.executionId, { kind: 'timer', key, elementId: w.elementId, dueAt });
          break;
        }
        case 'message': {
          const correlationKey = String(evaluateExpression(element.correlationKey, variables) ?? '');
          await tx.getRepository(SubscriptionEntity).insert({ ...base, messageName: element.messageName, correlationKey, state: 'active' });
          open.set(w.executionId, { kind: 'message', key, elementId: w.elementId });
          break;
        }
      }
    }
  }
}

function unrecoverableError(key: string, reason: string, cause?: unknown): DomainError {
  return new DomainError('instance.unrecoverable', `process instance ${key} cannot be recovered (${reason}); an incident is open for an administrator`, { cause });
}

function newUserTask(
  base: { key: string; instanceKey: string; executionId: string; elementId: string },
  element: UserTaskElement, def: LoadedDefinition, variables: Variables, now: Date,
): UserTaskRow {
  const assignee = element.assignee ? evaluateExpression(element.assignee, variables) : null;
  return {
    ...base, name: element.name, formId: element.formId,
    assignee: assignee === null || assignee === undefined || assignee === '' ? null : String(assignee),
    candidateGroups: evaluateList(element.candidateGroups, variables), candidateUsers: evaluateList(element.candidateUsers, variables),
    state: 'created', bpmnProcessId: def.row.bpmnProcessId, processVersion: def.row.version, createdAt: now, completedAt: null,
  };
}
