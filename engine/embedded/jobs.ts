/**
 * The embedded engine's job executor: runs service-task jobs with the registered workers, a few
 * at a time. A job is a row; commits hand new jobs over at once, and the scheduler finds due ones
 * (retries after their backoff, jobs left by a crash) by the indexed query on (state, due_at).
 * A job's input is read from the instance row's committed variables: running the worker needs no
 * rebuilt instance, only its result does. A failure is retried with the worker's backoff until
 * the retries run out, then it becomes an incident an admin can retry.
 */
import type { DataSource } from 'typeorm';
import { DomainError } from '../../errors/index.js';
import { runJob, type JobContext, type JobResult, type Worker } from '../../workers/contract.js';
import type { EngineHooks, Incident, Variables } from '../port.js';
import type { DefinitionStore } from './definitions.js';
import type { JobElement } from './diagram.js';
import { IncidentEntity, InstanceEntity, JobEntity, type JobRow } from './entities.js';
import { insertIncident, isRecoveryIncident, notHeldByIncident, toIncident } from './incidents.js';
import type { InstanceStore } from './instance-store.js';
import { applyMappings, plainVariables } from './rows.js';
import { findRow, findRowByKey, updateRows } from '../../storage/rows.js';

export interface JobExecutorOptions {
  dataSource: DataSource;
  store: InstanceStore;
  definitions: DefinitionStore;
  hooks: EngineHooks;
  workers: ReadonlyMap<string, Worker<never>>;
  concurrency: number;
  onError: (error: unknown, context: string) => void;
}

export class JobExecutor {
  private readonly ds: DataSource;
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly active = new Map<string, Promise<void>>();
  running = false;

  constructor(private readonly options: JobExecutorOptions) {
    this.ds = options.dataSource;
  }

  get busy(): boolean {
    return this.active.size > 0 || this.queue.length > 0;
  }

  enqueue(key: string): void {
    if (!this.running || this.queued.has(key) || this.active.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  /** Starts queued jobs up to the concurrency. */
  pump(): void {
    while (this.running && this.active.size < this.options.concurrency && this.queue.length) {
      const key = this.queue.shift() as string;
      this.queued.delete(key);
      const run = this.execute(key)
        .catch((error: unknown) => this.options.onError(error, `job ${key}`))
        .finally(() => {
          this.active.delete(key);
          this.pump();
        });
      this.active.set(key, run);
    }
  }

  /** Stops taking jobs; resolves when the running ones have finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.queue.length = 0;
    this.queued.clear();
    await this.settle();
  }

  async settle(): Promise<void> {
    await Promise.allSettled([...this.active.values()]);
  }

  /** Keys of jobs due now (oldest first), skipping instances held by a recovery incident. */
  async dueJobs(limit: number): Promise<string[]> {
    const rows = await this.ds.getRepository(JobEntity).createQueryBuilder('j').select(['j.key'])
      .where(`j.state = :s AND j.due_at <= :now AND ${notHeldByIncident('j')}`, { s: 'activatable', now: new Date() })
      .orderBy('j.due_at', 'ASC').limit(limit).getMany();
    return rows.map((r) => r.key);
  }

  private async execute(jobKey: string): Promise<void> {
    const job = await findRowByKey(this.ds, JobEntity, 'key', jobKey);
    if (!job || job.state !== 'activatable' || job.dueAt > new Date()) return;
    const instance = await findRow(this.ds, InstanceEntity, { key: job.instanceKey }, ['key', 'state', 'definitionKey', 'variables']);
    if (instance?.state !== 'active') return; // ended or canceled meanwhile
    const def = await this.options.definitions.get(instance.definitionKey);
    const element = def.model.waits.get(job.elementId) as JobElement | undefined;
    const jobVariables: Variables = { ...(instance.variables ?? {}) };
    if (element?.inputs.length) Object.assign(jobVariables, applyMappings(element.inputs, jobVariables));
    const worker = this.options.workers.get(job.type);
    const context: JobContext = {
      jobKey, type: job.type, processInstanceKey: job.instanceKey, bpmnProcessId: job.bpmnProcessId, processVersion: job.processVersion,
      elementId: job.elementId, headers: job.headers, retries: job.retries,
    };
    const result: JobResult = worker
      ? await runJob(worker as Worker<unknown>, jobVariables, context, job.attempts + 1)
      : { kind: 'fail', message: `no worker is registered for job type "${job.type}"`, retryBackoffMs: 0, permanent: true };
    await this.options.store.withLock(job.instanceKey, async () => {
      const fresh = await findRowByKey(this.ds, JobEntity, 'key', jobKey);
      if (fresh?.state !== 'activatable') return;
      if (result.kind === 'complete') {
        const live = await this.options.store.load(job.instanceKey).catch(async (error: unknown) => {
          if (error instanceof DomainError && error.code === 'instance.not_found') return null;
          throw error;
        });
        if (!live) return;
        const output = element?.outputs.length ? applyMappings(element.outputs, { ...jobVariables, ...result.variables }) : result.variables;
        const merged = plainVariables(output, `result of ${job.type}`);
        const outcome = await this.options.store.advance(live, (rt) => {
          rt.mergeVariables(merged);
          rt.signal(job.elementId, job.executionId);
        }, {
          closed: job.executionId,
          before: async (tx, vars) => {
            await updateRows(tx, JobEntity, { key: jobKey }, { state: 'completed', completedAt: new Date(), attempts: fresh.attempts + 1 });
            await this.options.hooks.jobCompleted?.({ instanceKey: job.instanceKey, elementId: job.elementId, jobKey, type: job.type, result: result.variables, variables: vars }, tx);
          },
        });
        if (!outcome.ok) await this.raiseIncident(fresh, `the process cannot continue after ${job.elementId}: ${outcome.reason}`);
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
    await this.ds.transaction(async (tx) => {
      const incident = await insertIncident(tx, this.options.hooks, { instanceKey: job.instanceKey, elementId: job.elementId, jobKey: job.key, jobType: job.type, message });
      await tx.getRepository(JobEntity).update({ key: job.key }, { state: 'failed', retries: job.retries, attempts: job.attempts + 1, errorMessage: incident.message });
    });
  }

  async listIncidents(filter: { state?: 'active' | 'resolved' } = {}): Promise<Incident[]> {
    const rows = await this.ds.getRepository(IncidentEntity).find({ where: filter.state ? { state: filter.state } : {}, order: { createdAt: 'DESC' } });
    return rows.map(toIncident);
  }

  /**
   * Resolves an incident: a failed job runs again; an instance whose recovery failed is
   * recovered again (if it still fails, the incident stays open and the error says why).
   */
  async retryIncident(key: string): Promise<void> {
    const incident = await this.ds.getRepository(IncidentEntity).findOne({ where: { key } });
    if (!incident) throw new DomainError('incident.not_found', `no incident ${key}`);
    if (incident.state !== 'active') return;
    if (isRecoveryIncident(incident)) {
      await this.options.store.withLock(incident.instanceKey, async () => {
        this.options.store.allowRecovery(incident.instanceKey);
        // still broken: load throws instance.unrecoverable and this incident stays open
        await this.options.store.load(incident.instanceKey);
        await this.ds.transaction((tx) => tx.getRepository(IncidentEntity).update({ key, state: 'active' }, { state: 'resolved', resolvedAt: new Date() }));
      });
      for (const due of await this.dueJobs(200)) this.enqueue(due);
      return;
    }
    const jobKey = await this.ds.transaction(async (tx) => {
      const job = await tx.getRepository(JobEntity).findOne({ where: { key: incident.jobKey } });
      await tx.getRepository(IncidentEntity).update({ key }, { state: 'resolved', resolvedAt: new Date() });
      if (job?.state !== 'failed') return null;
      await tx.getRepository(JobEntity).update({ key: job.key }, { state: 'activatable', retries: Math.max(1, job.retries), dueAt: new Date() });
      return job.key;
    });
    if (jobKey) this.enqueue(jobKey);
  }
}
