/**
 * The engine port: what the platform needs from a BPMN engine. Two adapters implement it —
 * the embedded one (bpmn-engine, state in our database) and Zeebe / Camunda 8 (@camunda8/sdk).
 * Task lifecycle events reach the platform through `EngineHooks`, inside the transaction that
 * commits the engine's own state (embedded) so records and engine never disagree.
 */
import type { EntityManager } from 'typeorm';
import type { Worker } from '../workers/contract.js';

export type Variables = Record<string, unknown>;

export interface DeployResource {
  /** File name, e.g. `enforcement-case.bpmn`. */
  name: string;
  content: string;
}

export interface ProcessDefinition {
  key: string;
  bpmnProcessId: string;
  name: string | null;
  version: number;
  resourceName: string;
  checksum: string;
  deployedAt: Date;
}

export interface DeployResult {
  processes: ProcessDefinition[];
  /** True when the content equals the latest version: nothing new was deployed. */
  duplicate: boolean;
}

export type InstanceState = 'active' | 'completed' | 'terminated';

export interface ProcessInstance {
  key: string;
  bpmnProcessId: string;
  version: number;
  definitionKey: string;
  state: InstanceState;
  businessKey: string | null;
  startedAt: Date;
  endedAt: Date | null;
  /** Id of the end event reached, when completed. */
  endElementId: string | null;
}

export type UserTaskState = 'created' | 'completed' | 'canceled';

export interface UserTask {
  key: string;
  processInstanceKey: string;
  bpmnProcessId: string;
  processVersion: number;
  elementId: string;
  name: string | null;
  formId: string | null;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  state: UserTaskState;
  createdAt: Date;
  completedAt: Date | null;
}

export interface UserTaskFilter {
  state?: UserTaskState;
  processInstanceKey?: string;
  elementId?: string;
  assignee?: string;
}

export interface Incident {
  key: string;
  processInstanceKey: string;
  elementId: string;
  jobKey: string;
  jobType: string;
  message: string;
  createdAt: Date;
  state: 'active' | 'resolved';
}

/** Who is acting, recorded by the hooks (the engine itself does not judge permissions). */
export interface Actor {
  username: string;
}

export interface TaskEvent {
  task: UserTask;
  /** Process variables at the moment of the event (after the completion's variables). */
  variables: Variables;
}

export interface EngineHooks {
  instanceStarted?(instance: ProcessInstance, variables: Variables, tx: EntityManager): Promise<void>;
  userTaskCreated?(event: TaskEvent, tx: EntityManager): Promise<void>;
  /**
   * A task was claimed, given back (assignee null) or reassigned (转派, `reassigned`: by someone
   * else, also when nobody held it); `reason` is the person's words for giving back or reassigning.
   */
  userTaskAssigned?(event: TaskEvent & { actor: Actor | null; previousAssignee: string | null; reason?: string | null; reassigned?: boolean }, tx: EntityManager): Promise<void>;
  userTaskCompleted?(event: TaskEvent & { actor: Actor | null; submitted: Variables }, tx: EntityManager): Promise<void>;
  userTaskCanceled?(event: TaskEvent, tx: EntityManager): Promise<void>;
  jobCompleted?(event: { instanceKey: string; elementId: string; jobKey: string; type: string; result: Variables; variables: Variables }, tx: EntityManager): Promise<void>;
  incidentRaised?(incident: Incident, tx: EntityManager): Promise<void>;
  instanceEnded?(instance: ProcessInstance, variables: Variables, tx: EntityManager): Promise<void>;
}

export interface StartOptions {
  bpmnProcessId: string;
  /** A specific deployed version; the latest when omitted. */
  version?: number;
  variables?: Variables;
  businessKey?: string;
  /** Extra work committed in the same transaction as the new instance (embedded engine). */
  within?: (instance: ProcessInstance, tx: EntityManager) => Promise<void>;
}

export interface CompleteOptions {
  actor?: Actor;
  /** Extra work committed in the same transaction as the completion (embedded engine). */
  within?: (task: UserTask, tx: EntityManager) => Promise<void>;
}

export interface WorkflowEngine {
  readonly kind: 'embedded' | 'zeebe';
  /** Registers a job worker; call before `start()` and before deploying diagrams that use its type. */
  registerWorker(worker: Worker<never>): void;
  start(): Promise<void>;
  /** Stops taking jobs and timers, waits for running jobs to finish. */
  stop(): Promise<void>;

  deploy(resources: DeployResource[]): Promise<DeployResult>;
  listDefinitions(bpmnProcessId?: string): Promise<ProcessDefinition[]>;
  getDefinitionXml(definitionKey: string): Promise<string>;

  startInstance(options: StartOptions): Promise<ProcessInstance>;
  getInstance(key: string): Promise<ProcessInstance>;
  getVariables(instanceKey: string): Promise<Variables>;
  /**
   * Merges variables into a running instance's scope without moving it on (a case's location
   * corrected by a person; Zeebe: setVariables on the instance scope). `within` runs in the
   * transaction that commits them (embedded engine). An ended instance: `instance.not_found`.
   */
  setVariables(instanceKey: string, variables: Variables, options?: { within?: (tx: EntityManager, variables: Variables) => Promise<void> }): Promise<void>;
  cancelInstance(key: string): Promise<void>;

  listUserTasks(filter?: UserTaskFilter): Promise<UserTask[]>;
  getUserTask(key: string): Promise<UserTask>;
  claimUserTask(key: string, assignee: string, options?: { actor?: Actor }): Promise<UserTask>;
  unclaimUserTask(key: string, options?: { actor?: Actor; reason?: string }): Promise<UserTask>;
  /** Gives an open task to `assignee` whoever holds it now (转派; Zeebe: assign with allowOverride). */
  reassignUserTask(key: string, assignee: string, options?: { actor?: Actor; reason?: string }): Promise<UserTask>;
  completeUserTask(key: string, variables: Variables, options?: CompleteOptions): Promise<UserTask>;

  publishMessage(message: { name: string; correlationKey: string; variables?: Variables }): Promise<{ correlated: number }>;

  listIncidents(filter?: { state?: 'active' | 'resolved' }): Promise<Incident[]>;
  retryIncident(key: string): Promise<void>;

  /** Resolves when no job or step is running or due now (tests and benchmarks). */
  idle(): Promise<void>;
}
