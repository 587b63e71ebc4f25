/**
 * Incidents of the embedded engine: what stopped one case and needs an administrator. Two
 * kinds share the table: a job that failed after its last retry (job key and type set), and an
 * instance whose saved state cannot be recovered (a corrupt row, a definition that no longer
 * parses: job key and type empty). Either stops only its own case; the admin page lists both
 * and "retry" re-runs the job or re-attempts the recovery.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EngineHooks, Incident } from '../port.js';
import { IncidentEntity, type IncidentRow } from './entities.js';

/** The job type recorded on an instance-recovery incident (the case timeline names it). */
export const recoveryIncidentType = 'engine';

export function toIncident(row: IncidentRow): Incident {
  return {
    key: row.key, processInstanceKey: row.instanceKey, elementId: row.elementId, jobKey: row.jobKey, jobType: row.jobType,
    message: row.message, createdAt: row.createdAt, state: row.state,
  };
}

export function isRecoveryIncident(row: Pick<IncidentRow, 'jobKey'>): boolean {
  return row.jobKey === '';
}

/** Inserts an incident and tells the hooks, in the caller's transaction. */
export async function insertIncident(
  tx: EntityManager, hooks: EngineHooks,
  fields: { instanceKey: string; elementId: string; jobKey: string; jobType: string; message: string },
): Promise<IncidentRow> {
  const row: IncidentRow = { key: randomUUID(), ...fields, message: fields.message.slice(0, 4000), state: 'active', createdAt: new Date(), resolvedAt: null };
  await tx.getRepository(IncidentEntity).insert(row);
  await hooks.incidentRaised?.(toIncident(row), tx);
  return row;
}

/** SQL condition (on alias `alias`) excluding instances held by an active recovery incident. */
export function notHeldByIncident(alias: string): string {
  return `NOT EXISTS (SELECT 1 FROM engine_incident i WHERE i.instance_key = ${alias}.instance_key AND i.state = 'active' AND i.job_key = '')`;
}
