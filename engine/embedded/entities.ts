/**
 * Tables of the embedded engine: deployed definitions, instance state (the bpmn-engine state
 * committed at every wait state), and the wait states themselves — user tasks, jobs, timers
 * and message subscriptions — keyed by (instance, execution id) so a resumed instance never
 * creates one twice.
 */
import { EntitySchema } from 'typeorm';
import { ecol } from '../../storage/columns.js';

export interface DefinitionRow {
  key: string;
  bpmnProcessId: string;
  name: string | null;
  version: number;
  resourceName: string;
  checksum: string;
  xml: string;
  deployedAt: Date;
}

export interface InstanceRow {
  key: string;
  definitionKey: string;
  bpmnProcessId: string;
  version: number;
  state: 'active' | 'completed' | 'terminated';
  businessKey: string | null;
  engineState: string | null;
  /** The process variables at the last commit (JSON), readable without the engine. */
  variables: Record<string, unknown>;
  revision: number;
  startedAt: Date;
  endedAt: Date | null;
  endElementId: string | null;
}

export interface UserTaskRow {
  key: string;
  instanceKey: string;
  executionId: string;
  elementId: string;
  name: string | null;
  formId: string | null;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  state: 'created' | 'completed' | 'canceled';
  bpmnProcessId: string;
  processVersion: number;
  createdAt: Date;
  completedAt: Date | null;
}

export interface JobRow {
  key: string;
  instanceKey: string;
  executionId: string;
  elementId: string;
  type: string;
  state: 'activatable' | 'completed' | 'failed' | 'canceled';
  retries: number;
  attempts: number;
  headers: Record<string, string>;
  dueAt: Date;
  errorMessage: string | null;
  bpmnProcessId: string;
  processVersion: number;
  createdAt: Date;
  completedAt: Date | null;
}

export interface TimerRow {
  key: string;
  instanceKey: string;
  executionId: string;
  elementId: string;
  dueAt: Date;
  state: 'active' | 'fired' | 'canceled';
}

export interface SubscriptionRow {
  key: string;
  instanceKey: string;
  executionId: string;
  elementId: string;
  messageName: string;
  correlationKey: string;
  state: 'active' | 'correlated' | 'canceled';
}

export interface IncidentRow {
  key: string;
  instanceKey: string;
  elementId: string;
  jobKey: string;
  jobType: string;
  message: string;
  state: 'active' | 'resolved';
  createdAt: Date;
  resolvedAt: Date | null;
}

export const DefinitionEntity = new EntitySchema<DefinitionRow>({
  name: 'EngineDefinition',
  tableName: 'engine_definition',
  columns: {
    key: ecol.key('key', 36),
    bpmnProcessId: ecol.string('bpmn_process_id'),
    name: ecol.string('name', 255, true),
    version: ecol.int('version'),
    resourceName: ecol.string('resource_name'),
    checksum: ecol.string('checksum', 64),
    xml: ecol.text('xml', false),
    deployedAt: ecol.datetime('deployed_at'),
  },
});

export const InstanceEntity = new EntitySchema<InstanceRow>({
  name: 'EngineInstance',
  tableName: 'engine_instance',
  columns: {
    key: ecol.key('key', 36),
    definitionKey: ecol.string('definition_key', 36),
    bpmnProcessId: ecol.string('bpmn_process_id'),
    version: ecol.int('version'),
    state: ecol.string('state', 16),
    businessKey: ecol.string('business_key', 128, true),
    engineState: ecol.text('engine_state'),
    variables: ecol.json('variables'),
    revision: ecol.int('revision'),
    startedAt: ecol.datetime('started_at'),
    endedAt: ecol.datetime('ended_at', true),
    endElementId: ecol.string('end_element_id', 255, true),
  },
});

export const UserTaskEntity = new EntitySchema<UserTaskRow>({
  name: 'EngineUserTask',
  tableName: 'engine_user_task',
  columns: {
    key: ecol.key('key', 36),
    instanceKey: ecol.string('instance_key', 36),
    executionId: ecol.string('execution_id', 128),
    elementId: ecol.string('element_id'),
    name: ecol.string('name', 255, true),
    formId: ecol.string('form_id', 128, true),
    assignee: ecol.string('assignee', 128, true),
    candidateGroups: ecol.json('candidate_groups', false),
    candidateUsers: ecol.json('candidate_users', false),
    state: ecol.string('state', 16),
    bpmnProcessId: ecol.string('bpmn_process_id'),
    processVersion: ecol.int('process_version'),
    createdAt: ecol.datetime('created_at'),
    completedAt: ecol.datetime('completed_at', true),
  },
});

export const JobEntity = new EntitySchema<JobRow>({
  name: 'EngineJob',
  tableName: 'engine_job',
  columns: {
    key: ecol.key('key', 36),
    instanceKey: ecol.string('instance_key', 36),
    executionId: ecol.string('execution_id', 128),
    elementId: ecol.string('element_id'),
    type: ecol.string('type', 128),
    state: ecol.string('state', 16),
    retries: ecol.int('retries'),
    attempts: ecol.int('attempts'),
    headers: ecol.json('headers', false),
    dueAt: ecol.datetime('due_at'),
    errorMessage: ecol.text('error_message'),
    bpmnProcessId: ecol.string('bpmn_process_id'),
    processVersion: ecol.int('process_version'),
    createdAt: ecol.datetime('created_at'),
    completedAt: ecol.datetime('completed_at', true),
  },
});

export const TimerEntity = new EntitySchema<TimerRow>({
  name: 'EngineTimer',
  tableName: 'engine_timer',
  columns: {
    key: ecol.key('key', 36),
    instanceKey: ecol.string('instance_key', 36),
    executionId: ecol.string('execution_id', 128),
    elementId: ecol.string('element_id'),
    dueAt: ecol.datetime('due_at'),
    state: ecol.string('state', 16),
  },
});

export const SubscriptionEntity = new EntitySchema<SubscriptionRow>({
  name: 'EngineMessageSubscription',
  tableName: 'engine_message_subscription',
  columns: {
    key: ecol.key('key', 36),
    instanceKey: ecol.string('instance_key', 36),
    executionId: ecol.string('execution_id', 128),
    elementId: ecol.string('element_id'),
    messageName: ecol.string('message_name'),
    correlationKey: ecol.string('correlation_key'),
    state: ecol.string('state', 16),
  },
});

export const IncidentEntity = new EntitySchema<IncidentRow>({
  name: 'EngineIncident',
  tableName: 'engine_incident',
  columns: {
    key: ecol.key('key', 36),
    instanceKey: ecol.string('instance_key', 36),
    elementId: ecol.string('element_id'),
    jobKey: ecol.string('job_key', 36),
    jobType: ecol.string('job_type', 128),
    message: ecol.text('message', false),
    state: ecol.string('state', 16),
    createdAt: ecol.datetime('created_at'),
    resolvedAt: ecol.datetime('resolved_at', true),
  },
});

export const engineEntities = [DefinitionEntity, InstanceEntity, UserTaskEntity, JobEntity, TimerEntity, SubscriptionEntity, IncidentEntity];
