/** Rows of the embedded engine's tables as the port's types, and the checks on plain data. */
import { DomainError } from '../../errors/index.js';
import type { ProcessInstance, UserTask, Variables } from '../port.js';
import { evaluateExpression } from './feel.js';
import type { Mapping } from './diagram.js';
import type { InstanceRow, UserTaskRow } from './entities.js';

export function toInstance(row: InstanceRow): ProcessInstance {
  return {
    key: row.key, bpmnProcessId: row.bpmnProcessId, version: row.version, definitionKey: row.definitionKey, state: row.state,
    businessKey: row.businessKey, startedAt: row.startedAt, endedAt: row.endedAt, endElementId: row.endElementId,
  };
}

export function toTask(row: UserTaskRow): UserTask {
  return {
    key: row.key, processInstanceKey: row.instanceKey, bpmnProcessId: row.bpmnProcessId, processVersion: row.processVersion,
    elementId: row.elementId, name: row.name, formId: row.formId, assignee: row.assignee, candidateGroups: row.candidateGroups,
    candidateUsers: row.candidateUsers, state: row.state, createdAt: row.createdAt, completedAt: row.completedAt,
  };
}

/** Variables as plain JSON (what the database and every engine can hold), or a 400. */
export function plainVariables(variables: unknown, what: string): Variables {
  if (variables === undefined || variables === null) return {};
  if (typeof variables !== 'object' || Array.isArray(variables)) throw new DomainError('request.invalid', `${what} must be an object`, { field: 'variables' });
  try {
    return JSON.parse(JSON.stringify(variables)) as Variables;
  } catch (error) {
    throw new DomainError('request.invalid', `${what} are not JSON`, { field: 'variables', cause: error });
  }
}

/** Zeebe input / output mappings: each target gets its FEEL source evaluated on the variables. */
export function applyMappings(mappings: Mapping[], variables: Variables): Variables {
  const out: Variables = {};
  for (const m of mappings) out[m.target] = evaluateExpression(m.source.startsWith('=') ? m.source : `=${m.source}`, variables);
  return out;
}
