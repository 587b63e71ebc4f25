/**
 * The embedded engine adapter (the default): runs Zeebe-modelled BPMN in-process on bpmn-engine
 * and keeps every instance in the database. This class only wires the concepts together, each
 * in its own file:
 *
 * - definitions.ts    deployed versions, parsed once and shared by their instances
 * - instance-store.ts the durability protocol: load (rebuild), signal, commit, reconcile
 * - instance-cache.ts the few instances kept in memory between actions (bounded by count and heap)
 * - user-tasks.ts     list, claim, give back, complete
 * - events.ts         messages and timers
 * - jobs.ts           the job executor, retries and incidents
 *
 * Memory does not grow with open cases: an instance not being acted on lives in the database
 * only, and start-up reads nothing per instance (due jobs and timers are found by index).
 */
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../errors/index.js';
import type { Worker } from '../../workers/contract.js';
import type {
  Actor, CompleteOptions, DeployResource, DeployResult, EngineHooks, Incident, ProcessDefinition, ProcessInstance,
  StartOptions, UserTask, UserTaskFilter, Variables, WorkflowEngine,
} from '../port.js';
import { DefinitionStore } from './definitions.js';
import { InstanceEntity, JobEntity, SubscriptionEntity, TimerEntity, UserTaskEntity } from './entities.js';
import { MessagesAndTimers } from './events.js';
import { InstanceStore } from './instance-store.js';
import { JobExecutor } from './jobs.js';
import { plainVariables, toInstance, toTask } from './rows.js';
import { findRow } from '../../storage/rows.js';
import { UserTaskCommands } from './user-tasks.js';

/**
 * Defaults chosen from `npm run bench:scale`: a rebuilt instance of the enforcement diagram
 * holds ~2 MiB of heap and costs 7–10 ms to recover. 16 recently used instances (~32 MiB) cover
 * a user task's completion and the jobs that follow it without a second rebuild, with a few
 * people acting at once; more buys nothing when people act on cases in random order (each
 * cached instance is evicted unused) and costs garbage collection. The heap budget (live heap
 * after a major GC) halves the set under pressure whatever the count; it sits below the
 * 320 MiB V8 old-space cap `npm start` runs with.
 */
export const defaultCacheSize = 16;
export const defaultCacheHeapBytes = 192 * 1024 * 1024;

export interface EmbeddedEngineOptions {
  dataSource: DataSource;
  hooks?: EngineHooks;
  /** Instances kept in memory between actions (default 16). */
  cacheSize?: number;
  /** Past this much live heap (after a major GC), the in-memory set halves (default 192 MiB). */
  cacheHeapBytes?: number;
  /** How often due timers and job retries are looked for (default 500 ms). */
  pollIntervalMs?: number;
  /** Jobs run at once (default 4). */
  jobConcurrency?: number;
  /** Reports errors that have no caller to go to (a job executor or timer failure). */
  onError?: (error: unknown, context: string) => void;
}

export class EmbeddedEngine implements WorkflowEngine {
  readonly kind = 'embedded' as const;
  private readonly ds: DataSource;
  private readonly hooks: EngineHooks;
  private readonly pollIntervalMs: number;
  private readonly onError: (error: unknown, context: string) => void;
  private readonly workers = new Map<string, Worker<never>>();
  private readonly definitions: DefinitionStore;
  readonly store: InstanceStore;
  private readonly tasks: UserTaskCommands;
  private readonly events: MessagesAndTimers;
  private readonly jobs: JobExecutor;
  private running = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;

  constructor(options: EmbeddedEngineOptions) {
    this.ds = options.dataSource;
    this.hooks = options.hooks ?? {};
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.onError = options.onError ?? ((error, context) => console.error(`[engine] ${context}:`, error));
    this.definitions = new DefinitionStore(this.ds);
    this.store = new InstanceStore({
      dataSource: this.ds, definitions: this.definitions, hooks: this.hooks,
      cache: { maxEntries: options.cacheSize ?? defaultCacheSize, maxHeapBytes: options.cacheHeapBytes ?? defaultCacheHeapBytes },
      onJobsCreated: (keys) => {
        for (const key of keys) this.jobs.enqueue(key);
      },
    });
    this.tasks = new UserTaskCommands(this.ds, this.store, this.hooks);
    this.events = new MessagesAndTimers(this.ds, this.store);
    this.jobs = new JobExecutor({
      dataSource: this.ds, store: this.store, definitions: this.definitions, hooks: this.hooks, workers: this.workers,
      concurrency: options.jobConcurrency ?? 4, onError: this.onError,
    });
  }

  registerWorker(worker: Worker<never>): void {
    this.workers.set(worker.type, worker);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.jobs.running = true;
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
    await this.polling;
    await this.jobs.stop();
    this.store.clear();
  }

  /** Finds due jobs and timers by index and runs them. */
  private async poll(): Promise<void> {
    if (!this.running) return;
    try {
      for (const key of await this.jobs.dueJobs(200)) this.jobs.enqueue(key);
      for (const key of await this.events.dueTimers(200)) {
        await this.events.fireTimer(key).catch((error: unknown) => this.onError(error, `timer ${key}`));
      }
    } catch (error) {
      this.onError(error, 'poll');
    }
  }

  async idle(): Promise<void> {
    for (;;) {
      await this.polling;
      if (this.jobs.busy) {
        this.jobs.pump();
        await this.jobs.settle();
        continue;
      }
      const due = await this.ds.getRepository(JobEntity).createQueryBuilder('j')
        .where('j.state = :s AND j.due_at <= :now', { s: 'activatable', now: new Date() }).getCount();
      if (due === 0 || !this.running) return;
      await this.poll();
    }
  }

  // ---- deployments ------------------------------------------------------------------------

  deploy(resources: DeployResource[]): Promise<DeployResult> {
    return this.definitions.deploy(resources, new Set(this.workers.keys()));
  }

  listDefinitions(bpmnProcessId?: string): Promise<ProcessDefinition[]> {
    return this.definitions.list(bpmnProcessId);
  }

  async getDefinitionXml(definitionKey: string): Promise<string> {
    return (await this.definitions.get(definitionKey)).row.xml;
  }

  // ---- instances --------------------------------------------------------------------------

  async startInstance(options: StartOptions): Promise<ProcessInstance> {
    const variables = plainVariables(options.variables, 'variables');
    const def = await this.definitions.get(await this.definitions.keyOf(options.bpmnProcessId, options.version));
    const live = await this.store.begin(def, variables, options.businessKey ?? null);
    return this.store.withLock(live.key, async () => {
      const instance: ProcessInstance = {
        key: live.key, bpmnProcessId: def.row.bpmnProcessId, version: def.row.version, definitionKey: def.row.key, state: 'active',
        businessKey: live.businessKey, startedAt: live.startedAt, endedAt: null, endElementId: null,
      };
      const completed = live.rt.completed;
      await this.store.commit(live, {
        before: async (tx, vars) => {
          await this.hooks.instanceStarted?.(instance, vars, tx);
          await options.within?.(instance, tx);
        },
      });
      return completed ? this.store.endedInstance(live, new Date()) : instance;
    });
  }

  async getInstance(key: string): Promise<ProcessInstance> {
    const row = await this.ds.getRepository(InstanceEntity).findOne({ where: { key }, select: { key: true, bpmnProcessId: true, version: true, definitionKey: true, state: true, businessKey: true, startedAt: true, endedAt: true, endElementId: true } });
    if (!row) throw new DomainError('instance.not_found', `no process instance ${key}`);
    return toInstance(row);
  }

  async getVariables(instanceKey: string): Promise<Variables> {
    const row = await findRow(this.ds, InstanceEntity, { key: instanceKey }, ['key', 'variables']);
    if (!row) throw new DomainError('instance.not_found', `no process instance ${instanceKey}`);
    return row.variables ?? {};
  }

  async setVariables(instanceKey: string, variables: Variables, options: { within?: (tx: EntityManager, variables: Variables) => Promise<void> } = {}): Promise<void> {
    const vars = plainVariables(variables, 'variables');
    await this.store.withLock(instanceKey, async () => {
      const live = await this.store.load(instanceKey);
      live.rt.mergeVariables(vars);
      // a failed commit drops the runtime, so the merge never outlives its transaction
      await this.store.commit(live, { before: async (tx, merged) => options.within?.(tx, merged) });
    });
  }

  async cancelInstance(key: string): Promise<void> {
    await this.store.withLock(key, async () => {
      const row = await this.ds.getRepository(InstanceEntity).findOne({ where: { key }, select: { key: true, state: true, revision: true, variables: true } });
      if (!row) throw new DomainError('instance.not_found', `no process instance ${key}`);
      if (row.state !== 'active') return;
      this.store.drop(key);
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
    });
  }

  // ---- user tasks, messages, incidents ----------------------------------------------------

  listUserTasks(filter?: UserTaskFilter): Promise<UserTask[]> {
    return this.tasks.list(filter);
  }

  getUserTask(key: string): Promise<UserTask> {
    return this.tasks.get(key);
  }

  claimUserTask(key: string, assignee: string, options?: { actor?: Actor }): Promise<UserTask> {
    return this.tasks.claim(key, assignee, options);
  }

  unclaimUserTask(key: string, options?: { actor?: Actor; reason?: string }): Promise<UserTask> {
    return this.tasks.unclaim(key, options);
  }

  reassignUserTask(key: string, assignee: string, options?: { actor?: Actor; reason?: string }): Promise<UserTask> {
    return this.tasks.reassign(key, assignee, options);
  }

  completeUserTask(key: string, variables: Variables, options?: CompleteOptions): Promise<UserTask> {
    return this.tasks.complete(key, variables, options);
  }

  publishMessage(message: { name: string; correlationKey: string; variables?: Variables }): Promise<{ correlated: number }> {
    return this.events.publish(message);
  }

  listIncidents(filter?: { state?: 'active' | 'resolved' }): Promise<Incident[]> {
    return this.jobs.listIncidents(filter);
  }

  retryIncident(key: string): Promise<void> {
    return this.jobs.retryIncident(key);
  }
}
