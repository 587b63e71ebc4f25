/**
 * The embedded engine adapter (the default): runs Zeebe-modelled BPMN in-process on
 * bpmn-engine and commits every instance's state to the database at each wait state, in the
 * same transaction as the wait states' rows (user tasks, jobs, timers, message subscriptions)
 * and the platform's own records (through EngineHooks). Running instances stay in memory
 * (an LRU cache); they are recovered from the database only on a cache miss or after a
 * restart, so a crash at any point loses nothing that was acknowledged.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { DomainError } from '../../errors/index.js';
import { runJob, type JobContext, type JobResult, type Worker } from '../../workers/contract.js';
import type {
  Actor, CompleteOptions, DeployResource, DeployResult, EngineHooks, Incident, ProcessDefinition, ProcessInstance,
  StartOptions, UserTask, UserTaskFilter, Variables, WorkflowEngine,
} from '../port.js';
import { parseDiagram, type DiagramModel, type JobElement, type Mapping, type UserTaskElement } from './diagram.js';
import {
  DefinitionEntity, IncidentEntity, InstanceEntity, JobEntity, SubscriptionEntity, TimerEntity, UserTaskEntity,
  type DefinitionRow, type IncidentRow, type InstanceRow, type JobRow, type UserTaskRow,
} from './entities.js';
import { evaluateExpression, evaluateList } from './feel.js';
import { KeyedMutex } from './keyed-mutex.js';
import { InstanceRuntime } from './runtime.js';

export interface EmbeddedEngineOptions {
  dataSource: DataSource;
  hooks?: EngineHooks;
  /** Running instances kept in memory (default 10,000). */
  cacheSize?: number;
  /** How often due timers and job retries are looked for (default 500 ms). */
  pollIntervalMs?: number;
  /** Jobs run at once (default 4). */
  jobConcurrency?: number;
  /** Reports errors that have no caller to go to (a job executor or timer failure). */
  onError?: (error: unknown, context: string) => void;
}

interface LoadedDefinition {
  row: DefinitionRow;
  model: DiagramModel;
  sourceContext: unknown;
}

interface OpenWait {
  kind: 'userTask' | 'job' | 'timer' | 'message';
  key: string;
  elementId: string;
  dueAt?: Date;
}

interface Step {
  /** Insert the instance row instead of updating it. */
  insert?: ProcessInstance;
  /** Work done first in the transaction (mark the completed wait, call hooks). */
  before?: (tx: EntityManager, variables: Variables) => Promise<void>;
  /** Execution id whose record `before` already closed. */
  closed?: string;
}

type RuntimeWithOpen = InstanceRuntime & { open: Map<string, OpenWait> };

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function plainVariables(variables: unknown, what: string): Variables {
  if (variables === undefined || variables === null) return {};
  if (typeof variables !== 'object' || Array.isArray(variables)) throw new DomainError('request.invalid', `${what} must be an object`, { field: 'variables' });
  try {
    return JSON.parse(JSON.stringify(variables)) as Variables;
  } catch (error) {
    throw new DomainError('request.invalid', `${what} are not JSON`, { field: 'variables', cause: error });
  }
}

function applyMappings(mappings: Mapping[], variables: Variables): Variables {
  const out: Variables = {};
  for (const m of mappings) out[m.target] = evaluateExpression(m.source.startsWith('=') ? m.source : `=${m.source}`, variables);
  return out;
}

function toInstance(row: InstanceRow): ProcessInstance {
  return {
    key: row.key, bpmnProcessId: row.bpmnProcessId, version: row.version, definitionKey: row.definitionKey, state: row.state,
    businessKey: row.businessKey, startedAt: row.startedAt, endedAt: row.endedAt, endElementId: row.endElementId,
  };
}

function toTask(row: UserTaskRow): UserTask {
  return {
    key: row.key, processInstanceKey: row.instanceKey, bpmnProcessId: row.bpmnProcessId, processVersion: row.processVersion,
    elementId: row.elementId, name: row.name, formId: row.formId, assignee: row.assignee, candidateGroups: row.candidateGroups,
    candidateUsers: row.candidateUsers, state: row.state, createdAt: row.createdAt, completedAt: row.completedAt,
  };
}

function toDefinition(row: DefinitionRow): ProcessDefinition {
  return {
    key: row.key, bpmnProcessId: row.bpmnProcessId, name: row.name, version: row.version, resourceName: row.resourceName,
    checksum: row.checksum, deployedAt: row.deployedAt,
  };
}

function toIncident(row: IncidentRow): Incident {
  return {
    key: row.key, processInstanceKey: row.instanceKey, elementId: row.elementId, jobKey: row.jobKey, jobType: row.jobType,
    message: row.message, createdAt: row.createdAt, state: row.state,
  };
}

export class EmbeddedEngine implements WorkflowEngine {
  readonly kind = 'embedded' as const;
  private readonly ds: DataSource;
  private readonly hooks: EngineHooks;
  private readonly cacheSize: number;
  private readonly pollIntervalMs: number;
  private readonly jobConcurrency: number;
  private readonly onError: (error: unknown, context: string) => void;
  private readonly workers = new Map<string, Worker<never>>();
  private readonly definitions = new Map<string, LoadedDefinition>();
  private readonly cache = new Map<string, RuntimeWithOpen>();
  private readonly locks = new KeyedMutex();
  private readonly jobQueue: string[] = [];
  private readonly queuedJobs = new Set<string>();
  private readonly activeJobs = new Map<string, Promise<void>>();
  private running = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;

  constructor(options: EmbeddedEngineOptions) {
    this.ds = options.dataSource;
    this.hooks = options.hooks ?? {};
    this.cacheSize = options.cacheSize ?? 10_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.jobConcurrency = options.jobConcurrency ?? 4;
    this.onError = options.onError ?? ((error, context) => console.error(`[engine] ${context}:`, error));
  }

  registerWorker(worker: Worker<never>): void {
    this.workers.set(worker.type, worker);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.poll();
    this.pollTimer = setInterval(() => {
      if (!this.polling) this.polling = this.poll().finally(() => (this.polling = null));
    }, this.pollIntervalMs);
    this.pollTimer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.jobQueue.length = 0;
    this.queuedJobs.clear();
    await this.polling;
    await Promise.allSettled([...this.activeJobs.values()]);
    for (const rt of this.cache.values()) rt.stop();
    this.cache.clear();
  }

  async idle(): Promise<void> {
    for (;;) {
      await this.polling;
      if (this.activeJobs.size) {
        await Promise.allSettled([...this.activeJobs.values()]);
        continue;
      }
      if (this.jobQueue.length) {
        this.pump();
        continue;
      }
      const due = await this.ds.getRepository(JobEntity).createQueryBuilder('j')
        .where('j.state = :s AND j.due_at <= :now', { s: 'activatable', now: new Date() }).getCount();
      if (due === 0 || !this.running) return;
      await this.poll();
    }
  }

  // ---- deployments ------------------------------------------------------------------------

  async deploy(resources: DeployResource[]): Promise<DeployResult> {
    if (!Array.isArray(resources) || resources.length === 0) throw new DomainError('deploy.invalid', 'no resource to deploy', { field: 'resources' });
    const known = new Set(this.workers.keys());
    const parsed: { resource: DeployResource; diagram: Awaited<ReturnType<typeof parseDiagram>> }[] = [];
    for (const resource of resources) {
      if (!/\.(bpmn|xml)$/i.test(resource.name)) throw new DomainError('deploy.invalid', `${resource.name}: only .bpmn resources are deployed to the embedded engine`, { field: 'resources' });
      try {
        parsed.push({ resource, diagram: await parseDiagram(resource.content, known) });
      } catch (error) {
        if (error instanceof DomainError) throw new DomainError(error.code, `${resource.name}: ${error.detail}`, { ...error.extra, cause: error });
        throw error;
      }
    }
    const ids = parsed.map((p) => p.diagram.model.bpmnProcessId);
    if (new Set(ids).size !== ids.length) throw new DomainError('deploy.invalid', 'two resources define the same process id', { field: 'resources' });
    const processes: ProcessDefinition[] = [];
    let duplicates = 0;
    await this.ds.transaction(async (tx) => {
      for (const { resource, diagram } of parsed) {
        const sum = checksum(resource.content);
        const latest = await tx.getRepository(DefinitionEntity).findOne({ where: { bpmnProcessId: diagram.model.bpmnProcessId }, order: { version: 'DESC' } });
        if (latest && latest.checksum === sum) {
          duplicates += 1;
          processes.push(toDefinition(latest));
          continue;
        }
        const row: DefinitionRow = {
          key: randomUUID(), bpmnProcessId: diagram.model.bpmnProcessId, name: diagram.model.processName, version: (latest?.version ?? 0) + 1,
          resourceName: resource.name, checksum: sum, xml: resource.content, deployedAt: new Date(),
        };
        await tx.getRepository(DefinitionEntity).insert(row);
        this.definitions.set(row.key, { row, model: diagram.model, sourceContext: diagram.sourceContext });
        processes.push(toDefinition(row));
      }
    }).catch((error: unknown) => {
      for (const p of processes) this.definitions.delete(p.key);
      throw error;
    });
    return { processes, duplicate: duplicates === parsed.length };
  }

  async listDefinitions(bpmnProcessId?: string): Promise<ProcessDefinition[]> {
    const rows = await this.ds.getRepository(DefinitionEntity).find({
      where: bpmnProcessId ? { bpmnProcessId } : {},
      order: { bpmnProcessId: 'ASC', version: 'ASC' },
      select: { key: true, bpmnProcessId: true, name: true, version: true, resourceName: true, checksum: true, deployedAt: true },
    });
    return rows.map(toDefinition);
  }

  async getDefinitionXml(definitionKey: string): Promise<string> {
    return (await this.definition(definitionKey)).row.xml;
  }

  private async definition(key: string): Promise<LoadedDefinition> {
    const cached = this.definitions.get(key);
    if (cached) return cached;
    const row = await this.ds.getRepository(DefinitionEntity).findOne({ where: { key } });
    if (!row) throw new DomainError('process.not_found', `no deployed definition ${key}`);
    const diagram = await parseDiagram(row.xml, undefined);
    const loaded = { row, model: diagram.model, sourceContext: diagram.sourceContext };
    this.definitions.set(key, loaded);
    return loaded;
  }

  // ---- instances --------------------------------------------------------------------------

  async startInstance(options: StartOptions): Promise<ProcessInstance> {
    const variables = plainVariables(options.variables, 'variables');
    const where = options.version !== undefined ? { bpmnProcessId: options.bpmnProcessId, version: options.version } : { bpmnProcessId: options.bpmnProcessId };
    const row = await this.ds.getRepository(DefinitionEntity).findOne({ where, order: { version: 'DESC' }, select: { key: true } });
    if (!row) throw new DomainError('process.not_found', `process "${options.bpmnProcessId}"${options.version !== undefined ? ` version ${options.version}` : ''} is not deployed`, { field: 'bpmnProcessId' });
    const def = await this.definition(row.key);
    const key = randomUUID();
    return this.locks.run(key, async () => {
      const rt = Object.assign(new InstanceRuntime(key, def.row.key, def.sourceContext, 0), { open: new Map<string, OpenWait>() });
      await rt.start(variables);
      if (rt.failed) {
        rt.stop();
        throw new DomainError('process.start_failed', rt.errors.join('; '));
      }
      const instance: ProcessInstance = {
        key, bpmnProcessId: def.row.bpmnProcessId, version: def.row.version, definitionKey: def.row.key, state: 'active',
        businessKey: options.businessKey ?? null, startedAt: new Date(), endedAt: null, endElementId: null,
      };
      await this.commit(rt, def, {
        insert: instance,
        before: async (tx, vars) => {
          await this.hooks.instanceStarted?.(instance, vars, tx);
          await options.within?.(instance, tx);
        },
      });
      if (rt.completed) return { ...instance, state: 'completed' as const, endedAt: new Date(), endElementId: rt.endElementId };
      return instance;
    });
  }

  async getInstance(key: string): Promise<ProcessInstance> {
    const row = await this.ds.getRepository(InstanceEntity).findOne({ where: { key }, select: { key: true, bpmnProcessId: true, version: true, definitionKey: true, state: true, businessKey: true, startedAt: true, endedAt: true, endElementId: true } });
    if (!row) throw new DomainError('instance.not_found', `no process instance ${key}`);
    return toInstance(row);
  }

  async getVariables(instanceKey: string): Promise<Variables> {
    const row = await this.ds.getRepository(InstanceEntity).findOne({ where: { key: instanceKey }, select: { key: true, variables: true } });
    if (!row) throw new DomainError('instance.not_found', `no process instance ${instanceKey}`);
    return row.variables ?? {};
  }

  async cancelInstance(key: string): Promise<void> {
    await this.locks.run(key, async () => {
      const row = await this.ds.getRepository(InstanceEntity).findOne({ where: { key }, select: { key: true, state: true, revision: true, variables: true } });
      if (!row) throw new DomainError('instance.not_found', `no process instance ${key}`);
      if (row.state !== 'active') return;
      const rt = this.cache.get(key);
      this.evict(key);
      await this.ds.transaction(async (tx) => {
        await tx.getRepository(InstanceEntity).update({ key }, { state: 'terminated', endedAt: new Date(), revision: row.revision + 1 });
        const tasks = await tx.getRepository(UserTaskEntity).find({ where: { instanceKey: key, state: 'created' } });
        for (const task of tasks) {
          await tx.getRepository(UserTaskEntity).update({ key: task.key }, { state: 'canceled', completedAt: new Date() });
          await this.hooks.userTaskCanceled?.({ task: { ...toTask(task), state: 'canceled' }, variables: row.variables ?? {} }, tx);
        }
        await tx.getRepository(JobEntity).update({ instanceKey: key, state: 'activatable' }, { state: 'canceled' });
        await tx.getRepository(TimerEntity).update({ instanceKey: key, state: 'active' }, { state: 'canceled' });
        await tx.getRepository(SubscriptionEntity).update({ instanceKey: key, state: 'active' }, { state: 'canceled' });
      });
      rt?.stop();
    });
  }

  /** The in-memory runtime of an active instance: cached, or recovered from its saved state. */
  private async load(key: string): Promise<{ rt: RuntimeWithOpen; def: LoadedDefinition }> {
    const cached = this.cache.get(key);
    if (cached) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return { rt: cached, def: await this.definition(cached.definitionKey) };
    }
    const row = await this.ds.getRepository(InstanceEntity).findOne({ where: { key } });
    if (!row) throw new DomainError('instance.not_found', `no process instance ${key}`);
    if (row.state !== 'active' || !row.engineState) throw new DomainError('instance.not_found', `process instance ${key} is ${row.state}`);
    const def = await this.definition(row.definitionKey);
    const rt = Object.assign(new InstanceRuntime(key, def.row.key, def.sourceContext, row.revision), { open: new Map<string, OpenWait>() });
    const [tasks, jobs, timers, subscriptions] = await Promise.all([
      this.ds.getRepository(UserTaskEntity).find({ where: { instanceKey: key, state: 'created' }, select: { key: true, executionId: true, elementId: true } }),
      this.ds.getRepository(JobEntity).find({ where: { instanceKey: key, state: 'activatable' }, select: { key: true, executionId: true, elementId: true } }),
      this.ds.getRepository(TimerEntity).find({ where: { instanceKey: key, state: 'active' }, select: { key: true, executionId: true, elementId: true, dueAt: true } }),
      this.ds.getRepository(SubscriptionEntity).find({ where: { instanceKey: key, state: 'active' }, select: { key: true, executionId: true, elementId: true } }),
    ]);
    // Failed jobs (incidents) still hold their activity: keep them open so they are not canceled.
    const failedJobs = await this.ds.getRepository(JobEntity).find({ where: { instanceKey: key, state: 'failed' }, select: { key: true, executionId: true, elementId: true } });
    for (const t of tasks) rt.open.set(t.executionId, { kind: 'userTask', key: t.key, elementId: t.elementId });
    for (const j of [...jobs, ...failedJobs]) rt.open.set(j.executionId, { kind: 'job', key: j.key, elementId: j.elementId });
    for (const t of timers) rt.open.set(t.executionId, { kind: 'timer', key: t.key, elementId: t.elementId, dueAt: t.dueAt });
    for (const s of subscriptions) rt.open.set(s.executionId, { kind: 'message', key: s.key, elementId: s.elementId });
    await rt.recover(JSON.parse(row.engineState));
    if (rt.failed) throw new DomainError('internal', `instance ${key} cannot be recovered: ${rt.errors.join('; ')}`);
    this.cache.set(key, rt);
    this.trimCache();
    // Resuming may have fired timers that fell due while nobody held the instance: commit that.
    const waitingNow = new Set(rt.waiting().map((w) => w.executionId));
    const moved = rt.completed || [...rt.open.keys()].some((id) => !waitingNow.has(id)) || [...waitingNow].some((id) => !rt.open.has(id));
    if (moved) await this.commit(rt, def, {});
    return { rt, def };
  }

  private trimCache(): void {
    while (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value as string;
      if (this.locks.isLocked(oldest) && this.cache.size <= this.cacheSize * 2) break;
      this.evict(oldest);
    }
  }

  private evict(key: string): void {
    const rt = this.cache.get(key);
    this.cache.delete(key);
    rt?.stop();
  }

  /**
   * Commits the runtime's current state in one transaction: the instance row (optimistic
   * revision check), the step's own work, and the reconciliation of wait states — new user
   * tasks, jobs, timers and subscriptions created, vanished ones canceled or fired.
   */
  private async commit(rt: RuntimeWithOpen, def: LoadedDefinition, step: Step): Promise<void> {
    const engineState = rt.snapshot();
    const variables = rt.variables;
    const completed = rt.completed;
    const waiting = rt.waiting();
    const now = new Date();
    const newJobs: string[] = [];
    const open = new Map(rt.open);
    try {
      await this.ds.transaction(async (tx) => {
        const state = completed ? 'completed' : 'active';
        const ended = completed ? { endedAt: now, endElementId: rt.endElementId } : {};
        if (step.insert) {
          await tx.getRepository(InstanceEntity).insert({
            key: rt.key, definitionKey: def.row.key, bpmnProcessId: def.row.bpmnProcessId, version: def.row.version, state,
            businessKey: step.insert.businessKey, engineState, variables: variables as never, revision: 1, startedAt: step.insert.startedAt,
            endedAt: null, endElementId: null, ...ended,
          });
        } else {
          const result = await tx.getRepository(InstanceEntity).update({ key: rt.key, revision: rt.revision }, { engineState, variables: variables as never, revision: rt.revision + 1, state, ...ended });
          if (result.affected !== 1) throw new DomainError('conflict', `process instance ${rt.key} was changed by another writer`);
        }
        await step.before?.(tx, variables);
        if (step.closed) open.delete(step.closed);
        await this.reconcile(rt, def, tx, open, waiting, variables, newJobs);
        if (completed) {
          const instance: ProcessInstance = {
            key: rt.key, bpmnProcessId: def.row.bpmnProcessId, version: def.row.version, definitionKey: def.row.key, state: 'completed',
            businessKey: step.insert?.businessKey ?? null, startedAt: step.insert?.startedAt ?? now, endedAt: now, endElementId: rt.endElementId,
          };
          await this.hooks.instanceEnded?.(instance, variables, tx);
        }
      });
    } catch (error) {
      this.evict(rt.key);
      throw error;
    }
    rt.revision = step.insert ? 1 : rt.revision + 1;
    rt.open = open;
    if (completed) this.evict(rt.key);
    for (const job of newJobs) this.enqueueJob(job);
  }

  private async reconcile(
    rt: RuntimeWithOpen, def: LoadedDefinition, tx: EntityManager, open: Map<string, OpenWait>,
    waiting: ReturnType<InstanceRuntime['waiting']>, variables: Variables, newJobs: string[],
  ): Promise<void> {
    const now = new Date();
    const waitingIds = new Set(waiting.map((w) => w.executionId));
    for (const [executionId, wait] of open) {
      if (waitingIds.has(executionId)) continue;
      open.delete(executionId);
      switch (wait.kind) {
        case 'userTask': {
          await tx.getRepository(UserTaskEntity).update({ key: wait.key, state: 'created' }, { state: 'canceled', completedAt: now });
          const row = await tx.getRepository(UserTaskEntity).findOne({ where: { key: wait.key } });
          if (row) await this.hooks.userTaskCanceled?.({ task: toTask(row), variables }, tx);
          break;
        }
        case 'job':
          await tx.getRepository(JobEntity).update({ key: wait.key }, { state: 'canceled' });
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
      const base = { key, instanceKey: rt.key, executionId: w.executionId, elementId: w.elementId };
      switch (element.kind) {
        case 'userTask': {
          const task = this.newUserTask(base, element, def, variables, now);
          await tx.getRepository(UserTaskEntity).insert(task);
          await this.hooks.userTaskCreated?.({ task: toTask(task), variables }, tx);
          open.set(w.executionId, { kind: 'userTask', key, elementId: w.elementId });
          break;
        }
        case 'job': {
          await tx.getRepository(JobEntity).insert({
            ...base, type: element.type, state: 'activatable', retries: element.retries, attempts: 0, headers: element.headers, dueAt: now,
            errorMessage: null, bpmnProcessId: def.row.bpmnProcessId, processVersion: def.row.version, createdAt: now, completedAt: null,
          });
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

  private newUserTask(
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

  // ---- user tasks -------------------------------------------------------------------------

  async listUserTasks(filter: UserTaskFilter = {}): Promise<UserTask[]> {
    const where: FindOptionsWhere<UserTaskRow> = {};
    if (filter.state) where.state = filter.state;
    if (filter.processInstanceKey) where.instanceKey = filter.processInstanceKey;
    if (filter.elementId) where.elementId = filter.elementId;
    if (filter.assignee) where.assignee = filter.assignee;
    const rows = await this.ds.getRepository(UserTaskEntity).find({ where, order: { createdAt: 'ASC' } });
    return rows.map(toTask);
  }

  async getUserTask(key: string): Promise<UserTask> {
    return toTask(await this.taskRow(key));
  }

  private async taskRow(key: string, tx: EntityManager = this.ds.manager): Promise<UserTaskRow> {
    if (typeof key !== 'string' || key.length > 64) throw new DomainError('task.not_found', 'no such task', { field: 'taskKey' });
    const row = await tx.getRepository(UserTaskEntity).findOne({ where: { key } });
    if (!row) throw new DomainError('task.not_found', `no user task ${key}`, { field: 'taskKey' });
    return row;
  }

  async claimUserTask(key: string, assignee: string, options: { actor?: Actor } = {}): Promise<UserTask> {
    if (typeof assignee !== 'string' || !assignee.trim() || assignee.length > 128) throw new DomainError('request.invalid', 'assignee must be a non-empty string', { field: 'assignee' });
    return this.ds.transaction(async (tx) => {
      const row = await this.taskRow(key, tx);
      if (row.state !== 'created') throw new DomainError('task.already_completed', `task ${key} is ${row.state}`);
      if (row.assignee && row.assignee !== assignee) throw new DomainError('task.already_claimed', `task ${key} is claimed by ${row.assignee}`, { assignee: row.assignee });
      if (row.assignee === assignee) return toTask(row);
      const result = await tx.createQueryBuilder().update(UserTaskEntity).set({ assignee })
        .where('key = :key AND state = :state AND assignee IS NULL', { key, state: 'created' }).execute();
      if (result.affected !== 1) throw new DomainError('task.already_claimed', `task ${key} was claimed concurrently`);
      const task = { ...toTask(row), assignee };
      await this.hooks.userTaskAssigned?.({ task, variables: {}, actor: options.actor ?? { username: assignee }, previousAssignee: null }, tx);
      return task;
    });
  }

  async unclaimUserTask(key: string, options: { actor?: Actor } = {}): Promise<UserTask> {
    return this.ds.transaction(async (tx) => {
      const row = await this.taskRow(key, tx);
      if (row.state !== 'created') throw new DomainError('task.already_completed', `task ${key} is ${row.state}`);
      if (!row.assignee) return toTask(row);
      await tx.getRepository(UserTaskEntity).update({ key, state: 'created' }, { assignee: null });
      const task = { ...toTask(row), assignee: null };
      await this.hooks.userTaskAssigned?.({ task, variables: {}, actor: options.actor ?? null, previousAssignee: row.assignee }, tx);
      return task;
    });
  }

  async completeUserTask(key: string, submitted: Variables, options: CompleteOptions = {}): Promise<UserTask> {
    const variables = plainVariables(submitted, 'task variables');
    const first = await this.taskRow(key);
    return this.locks.run(first.instanceKey, async () => {
      const row = await this.taskRow(key);
      if (row.state === 'completed') throw new DomainError('task.already_completed', `task ${key} is already completed`);
      if (row.state === 'canceled') throw new DomainError('task.already_completed', `task ${key} was canceled`);
      const { rt, def } = await this.load(row.instanceKey);
      const element = def.model.waits.get(row.elementId) as UserTaskElement | undefined;
      const merged = element?.outputs.length ? applyMappings(element.outputs, { ...rt.variables, ...variables }) : variables;
      rt.mergeVariables(merged);
      rt.signal(row.elementId, row.executionId);
      if (rt.failed) {
        const reason = rt.errors.join('; ');
        this.evict(row.instanceKey);
        throw new DomainError('task.completion_rejected', `completing ${row.elementId} fails: ${reason}`);
      }
      const task: UserTask = { ...toTask(row), state: 'completed', completedAt: new Date() };
      await this.commit(rt, def, {
        closed: row.executionId,
        before: async (tx, vars) => {
          const result = await tx.getRepository(UserTaskEntity).update({ key, state: 'created' }, { state: 'completed', completedAt: task.completedAt });
          if (result.affected !== 1) throw new DomainError('task.already_completed', `task ${key} was completed concurrently`);
          await this.hooks.userTaskCompleted?.({ task, variables: vars, actor: options.actor ?? null, submitted: variables }, tx);
          await options.within?.(task, tx);
        },
      });
      return task;
    });
  }

  // ---- messages ---------------------------------------------------------------------------

  async publishMessage(message: { name: string; correlationKey: string; variables?: Variables }): Promise<{ correlated: number }> {
    const variables = plainVariables(message.variables, 'message variables');
    const subscriptions = await this.ds.getRepository(SubscriptionEntity).find({
      where: { messageName: message.name, correlationKey: String(message.correlationKey), state: 'active' },
    });
    let correlated = 0;
    for (const sub of subscriptions) {
      await this.locks.run(sub.instanceKey, async () => {
        const fresh = await this.ds.getRepository(SubscriptionEntity).findOne({ where: { key: sub.key } });
        if (fresh?.state !== 'active') return;
        const { rt, def } = await this.load(sub.instanceKey);
        const element = def.model.waits.get(sub.elementId);
        if (element?.kind !== 'message') return;
        rt.mergeVariables(variables);
        rt.signal(element.messageId);
        if (rt.failed) {
          const reason = rt.errors.join('; ');
          this.evict(sub.instanceKey);
          throw new DomainError('task.completion_rejected', `message ${message.name} cannot be correlated: ${reason}`);
        }
        await this.commit(rt, def, {
          closed: sub.executionId,
          before: async (tx) => {
            await tx.getRepository(SubscriptionEntity).update({ key: sub.key }, { state: 'correlated' });
          },
        });
        correlated += 1;
      });
    }
    return { correlated };
  }

  // ---- timers -----------------------------------------------------------------------------

  private async fireTimer(timerKey: string): Promise<void> {
    const timer = await this.ds.getRepository(TimerEntity).findOne({ where: { key: timerKey } });
    if (!timer || timer.state !== 'active') return;
    await this.locks.run(timer.instanceKey, async () => {
      const fresh = await this.ds.getRepository(TimerEntity).findOne({ where: { key: timerKey } });
      if (fresh?.state !== 'active') return;
      const { rt, def } = await this.load(timer.instanceKey); // a recovered instance fires due timers itself
      if (!rt.open.has(timer.executionId)) return;
      if (!rt.fireTimer(timer.executionId)) {
        this.evict(timer.instanceKey);
        await this.load(timer.instanceKey);
        return;
      }
      if (rt.failed) {
        this.evict(timer.instanceKey);
        throw new Error(`timer ${timer.elementId} failed: ${rt.errors.join('; ')}`);
      }
      await this.commit(rt, def, {
        closed: timer.executionId,
        before: async (tx) => {
          await tx.getRepository(TimerEntity).update({ key: timerKey }, { state: 'fired' });
        },
      });
    });
  }

  // ---- jobs -------------------------------------------------------------------------------

  private enqueueJob(key: string): void {
    if (!this.running || this.queuedJobs.has(key) || this.activeJobs.has(key)) return;
    this.queuedJobs.add(key);
    this.jobQueue.push(key);
    this.pump();
  }

  private pump(): void {
    while (this.running && this.activeJobs.size < this.jobConcurrency && this.jobQueue.length) {
      const key = this.jobQueue.shift() as string;
      this.queuedJobs.delete(key);
      const run = this.executeJob(key)
        .catch((error: unknown) => this.onError(error, `job ${key}`))
        .finally(() => {
          this.activeJobs.delete(key);
          this.pump();
        });
      this.activeJobs.set(key, run);
    }
  }

  private async poll(): Promise<void> {
    if (!this.running) return;
    try {
      const now = new Date();
      const jobs = await this.ds.getRepository(JobEntity).createQueryBuilder('j').select(['j.key'])
        .where('j.state = :s AND j.due_at <= :now', { s: 'activatable', now }).orderBy('j.due_at', 'ASC').limit(200).getMany();
      for (const job of jobs) this.enqueueJob(job.key);
      const timers = await this.ds.getRepository(TimerEntity).createQueryBuilder('t').select(['t.key'])
        .where('t.state = :s AND t.due_at <= :now', { s: 'active', now }).orderBy('t.due_at', 'ASC').limit(200).getMany();
      for (const timer of timers) {
        await this.fireTimer(timer.key).catch((error: unknown) => this.onError(error, `timer ${timer.key}`));
      }
    } catch (error) {
      this.onError(error, 'poll');
    }
  }

  private async executeJob(jobKey: string): Promise<void> {
    const job = await this.ds.getRepository(JobEntity).findOne({ where: { key: jobKey } });
    if (!job || job.state !== 'activatable' || job.dueAt > new Date()) return;
    const worker = this.workers.get(job.type);
    let jobVariables: Variables = {};
    let element: JobElement | undefined;
    try {
      const loaded = await this.locks.run(job.instanceKey, () => this.load(job.instanceKey));
      element = loaded.def.model.waits.get(job.elementId) as JobElement | undefined;
      jobVariables = { ...loaded.rt.variables };
      if (element?.inputs.length) Object.assign(jobVariables, applyMappings(element.inputs, jobVariables));
    } catch (error) {
      if (error instanceof DomainError && error.code === 'instance.not_found') return; // ended or canceled meanwhile
      throw error;
    }
    const context: JobContext = {
      jobKey, type: job.type, processInstanceKey: job.instanceKey, bpmnProcessId: job.bpmnProcessId, processVersion: job.processVersion,
      elementId: job.elementId, headers: job.headers, retries: job.retries,
    };
    const result: JobResult = worker
      ? await runJob(worker as Worker<unknown>, jobVariables, context, job.attempts + 1)
      : { kind: 'fail', message: `no worker is registered for job type "${job.type}"`, retryBackoffMs: 0, permanent: true };
    await this.locks.run(job.instanceKey, async () => {
      const fresh = await this.ds.getRepository(JobEntity).findOne({ where: { key: jobKey } });
      if (fresh?.state !== 'activatable') return;
      if (result.kind === 'complete') {
        const { rt, def } = await this.load(job.instanceKey);
        const output = element?.outputs.length ? applyMappings(element.outputs, { ...jobVariables, ...result.variables }) : result.variables;
        rt.mergeVariables(plainVariables(output, `result of ${job.type}`));
        rt.signal(job.elementId, job.executionId);
        if (rt.failed) {
          const reason = rt.errors.join('; ');
          this.evict(job.instanceKey);
          await this.raiseIncident(fresh, `the process cannot continue after ${job.elementId}: ${reason}`);
          return;
        }
        await this.commit(rt, def, {
          closed: job.executionId,
          before: async (tx, vars) => {
            await tx.getRepository(JobEntity).update({ key: jobKey }, { state: 'completed', completedAt: new Date(), attempts: fresh.attempts + 1 });
            await this.hooks.jobCompleted?.({ instanceKey: job.instanceKey, elementId: job.elementId, jobKey, type: job.type, result: result.variables, variables: vars }, tx);
          },
        });
        return;
      }
      if (result.kind === 'bpmnError') {
        await this.raiseIncident(fresh, `unhandled BPMN error ${result.code}: ${result.message}`);
        return;
      }
      const retries = fresh.retries - 1;
      if (result.permanent || retries <= 0) {
        await this.raiseIncident({ ...fresh, retries: Math.max(0, retries) }, result.message);
        return;
      }
      // every write goes through a transaction: on SQLite a bare statement would join whatever
      // transaction happens to be open on the shared connection
      await this.ds.transaction((tx) => tx.getRepository(JobEntity).update({ key: jobKey }, {
        retries, attempts: fresh.attempts + 1, errorMessage: result.message, dueAt: new Date(Date.now() + result.retryBackoffMs),
      }));
    });
  }

  private async raiseIncident(job: JobRow, message: string): Promise<void> {
    const incident: IncidentRow = {
      key: randomUUID(), instanceKey: job.instanceKey, elementId: job.elementId, jobKey: job.key, jobType: job.type,
      message: message.slice(0, 4000), state: 'active', createdAt: new Date(), resolvedAt: null,
    };
    await this.ds.transaction(async (tx) => {
      await tx.getRepository(JobEntity).update({ key: job.key }, { state: 'failed', retries: job.retries, attempts: job.attempts + 1, errorMessage: incident.message });
      await tx.getRepository(IncidentEntity).insert(incident);
      await this.hooks.incidentRaised?.(toIncident(incident), tx);
    });
  }

  async listIncidents(filter: { state?: 'active' | 'resolved' } = {}): Promise<Incident[]> {
    const rows = await this.ds.getRepository(IncidentEntity).find({ where: filter.state ? { state: filter.state } : {}, order: { createdAt: 'DESC' } });
    return rows.map(toIncident);
  }

  async retryIncident(key: string): Promise<void> {
    const jobKey = await this.ds.transaction(async (tx) => {
      const incident = await tx.getRepository(IncidentEntity).findOne({ where: { key } });
      if (!incident) throw new DomainError('incident.not_found', `no incident ${key}`);
      if (incident.state !== 'active') return null;
      const job = await tx.getRepository(JobEntity).findOne({ where: { key: incident.jobKey } });
      await tx.getRepository(IncidentEntity).update({ key }, { state: 'resolved', resolvedAt: new Date() });
      if (job?.state !== 'failed') return null;
      await tx.getRepository(JobEntity).update({ key: job.key }, { state: 'activatable', retries: Math.max(1, job.retries), dueAt: new Date() });
      return job.key;
    });
    if (jobKey) this.enqueueJob(jobKey);
  }
}
