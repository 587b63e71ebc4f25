/**
 * Engine lifecycle events → the platform's case and task records. Runs inside the engine's
 * transaction (embedded) so a task exists in our tables exactly when it exists in the engine.
 * Instances without a `caseId` variable (other processes) leave no case records.
 */
import type { EntityManager } from 'typeorm';
import type { EngineHooks, Variables } from '../engine/port.js';
import { TaskCandidateEntity, TaskEntity } from '../tasks/entities.js';
import { closePersonCases, recordPersonCompletion } from '../tasks/person-cases.js';
import { supervisorGroups } from '../tasks/supervision.js';
import { findRow, insertRows, updateRows } from '../storage/rows.js';
import { CaseEntity, CaseEventEntity, type CaseEventRow, type CaseRow, type CaseStatus } from './entities.js';

/** End events of the enforcement case and the case status each one means. */
export const caseOutcomeByEndEvent: Record<string, CaseStatus> = {
  caseClosed: 'closed',
  caseDismissed: 'dismissed',
};

/** The user task whose creation starts a new dispatch round (step 3). */
export const roundStartElement = 'dispatchToUnit';

function caseIdOf(variables: Variables): string | null {
  return typeof variables.caseId === 'string' ? variables.caseId : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null;
}

/**
 * A reopened case (重新开启) starts its new round at the reopening, before its new verification:
 * that round's first 派遣 belongs to it instead of opening one more.
 */
async function reopenedRoundUndispatched(tx: EntityManager, caseId: string, rounds: number, variables: Variables): Promise<boolean> {
  if (variables.reopenedRound !== rounds) return false;
  return !(await findRow(tx, TaskEntity, { caseId, round: rounds, elementId: roundStartElement }, ['id']));
}

// Plain statements (storage/rows.ts): these run a dozen times in every engine step.
async function addEvent(tx: EntityManager, event: Omit<CaseEventRow, 'id'>): Promise<void> {
  await insertRows(tx, CaseEventEntity, [event as CaseEventRow]);
}

export function createCaseRecordHooks(): EngineHooks {
  return {
    async userTaskCreated({ task, variables }, tx) {
      const caseId = caseIdOf(variables);
      if (!caseId) return;
      const current = await findRow(tx, CaseEntity, { id: caseId }, ['id', 'rounds']);
      if (!current) return;
      const round = task.elementId === roundStartElement && !(await reopenedRoundUndispatched(tx, caseId, current.rounds, variables)) ? current.rounds + 1 : current.rounds;
      const update: Partial<CaseRow> = { currentStep: task.elementId, updatedAt: task.createdAt, rounds: round };
      if (str(variables.unitId) && task.elementId !== roundStartElement) update.unitId = str(variables.unitId);
      if (task.elementId === 'verifyReport' && str(variables.inspector)) update.inspector = str(variables.inspector);
      if (task.elementId === 'enforce' && str(variables.officer)) update.officer = str(variables.officer);
      await updateRows(tx, CaseEntity, { id: caseId }, update);
      await insertRows(tx, TaskEntity, [{
        id: task.key, caseId, processInstanceKey: task.processInstanceKey, elementId: task.elementId, name: task.name, formId: task.formId,
        assignee: task.assignee, state: 'created', round, createdAt: task.createdAt, claimedAt: task.assignee ? task.createdAt : null,
        completedAt: null, completedBy: null, formData: null,
      }]);
      const candidates = [
        ...task.candidateGroups.map((g) => `group:${g}`),
        ...task.candidateUsers.map((u) => `user:${u}`),
      ];
      if (candidates.length) {
        await insertRows(tx, TaskCandidateEntity, [...new Set(candidates)].map((candidate) => ({ taskId: task.key, candidate, open: !task.assignee, createdAt: task.createdAt })));
      }
      await addEvent(tx, {
        caseId, at: task.createdAt, actor: null, type: 'task.created', elementId: task.elementId, taskId: task.key, round,
        data: { name: task.name, assignee: task.assignee, candidateGroups: task.candidateGroups, candidateUsers: task.candidateUsers },
      });
    },

    async userTaskAssigned({ task, actor, previousAssignee, reason, reassigned }, tx) {
      const record = await findRow(tx, TaskEntity, { id: task.key }, ['id', 'caseId', 'round', 'createdAt']);
      if (!record) return;
      const now = new Date();
      await updateRows(tx, TaskEntity, { id: task.key }, { assignee: task.assignee, claimedAt: task.assignee ? now : null });
      // a claimed task leaves its groups' 待办; given back, it is on offer again
      await updateRows(tx, TaskCandidateEntity, { taskId: task.key }, { open: !task.assignee });
      let returnedTo: string[] | undefined;
      if (!task.assignee && !task.candidateGroups.length && !task.candidateUsers.length) {
        // a task the diagram gave to one person goes back to whoever chose that person, so the
        // case is never left with nobody who may act on it
        returnedTo = await supervisorGroups(tx, { id: task.key, caseId: record.caseId, createdAt: record.createdAt, candidateGroups: [], candidateUsers: [] });
        const offered = new Set((await tx.getRepository(TaskCandidateEntity).find({ where: { taskId: task.key }, select: { candidate: true } })).map((c) => c.candidate));
        const missing = returnedTo.map((g) => `group:${g}`).filter((c) => !offered.has(c));
        if (missing.length) await tx.getRepository(TaskCandidateEntity).insert(missing.map((candidate) => ({ taskId: task.key, candidate, open: true, createdAt: now })));
      }
      const person: Partial<CaseRow> = {};
      if (task.assignee && reassigned) {
        if (task.elementId === 'verifyReport') person.inspector = task.assignee;
        if (task.elementId === 'enforce') person.officer = task.assignee;
      }
      await updateRows(tx, CaseEntity, { id: record.caseId }, { updatedAt: now, ...person });
      const type = !task.assignee ? 'task.unclaimed' : reassigned ? 'task.reassigned' : 'task.claimed';
      await addEvent(tx, {
        caseId: record.caseId, at: now, actor: actor?.username ?? null, type,
        elementId: task.elementId, taskId: task.key, round: record.round,
        data: { assignee: task.assignee, previousAssignee, ...(reason ? { reason } : {}), ...(returnedTo ? { returnedTo } : {}) },
      });
    },

    async userTaskCompleted({ task, actor, submitted }, tx) {
      const record = await findRow(tx, TaskEntity, { id: task.key }, ['id', 'caseId', 'round', 'assignee', 'state', 'caseOpen']);
      if (!record) return;
      const at = task.completedAt ?? new Date();
      const completedBy = actor?.username ?? record.assignee ?? null;
      // submitted: the draft has served its purpose
      await updateRows(tx, TaskEntity, { id: task.key }, { state: 'completed', completedAt: at, completedBy, formData: submitted as never, draft: null });
      // a replayed event must not count the same task twice in the person's part of the case
      if (completedBy && record.state !== 'completed') {
        await recordPersonCompletion(tx, { person: completedBy, caseId: record.caseId, elementId: task.elementId, name: task.name, at, caseOpen: record.caseOpen !== false });
      }
      await updateRows(tx, TaskCandidateEntity, { taskId: task.key }, { open: false });
      await updateRows(tx, CaseEntity, { id: record.caseId }, { updatedAt: at });
      await addEvent(tx, {
        caseId: record.caseId, at, actor: completedBy, type: 'task.completed', elementId: task.elementId, taskId: task.key,
        round: record.round, data: submitted,
      });
    },

    async userTaskCanceled({ task }, tx) {
      const record = await findRow(tx, TaskEntity, { id: task.key }, ['id', 'caseId', 'round']);
      if (!record) return;
      const at = new Date();
      await updateRows(tx, TaskEntity, { id: task.key }, { state: 'canceled', completedAt: at });
      await updateRows(tx, TaskCandidateEntity, { taskId: task.key }, { open: false });
      await addEvent(tx, { caseId: record.caseId, at, actor: null, type: 'task.canceled', elementId: task.elementId, taskId: task.key, round: record.round, data: null });
    },

    async jobCompleted({ elementId, type, result, variables, jobKey }, tx) {
      const caseId = caseIdOf(variables);
      if (!caseId) return;
      const current = await findRow(tx, CaseEntity, { id: caseId }, ['id', 'rounds']);
      if (!current) return;
      await addEvent(tx, { caseId, at: new Date(), actor: `worker:${type}`, type: 'job.completed', elementId, taskId: null, round: current.rounds, data: { jobKey, ...result } });
      if (typeof result.suggestedAreaId === 'string') await updateRows(tx, CaseEntity, { id: caseId }, { areaId: result.suggestedAreaId });
    },

    async incidentRaised(incident, tx) {
      const current = await findRow(tx, CaseEntity, { processInstanceKey: incident.processInstanceKey }, ['id', 'rounds']);
      if (!current) return;
      await addEvent(tx, {
        caseId: current.id, at: incident.createdAt, actor: `worker:${incident.jobType}`, type: 'incident', elementId: incident.elementId,
        taskId: null, round: current.rounds, data: { message: incident.message, incidentKey: incident.key },
      });
    },

    async instanceEnded(instance, variables, tx) {
      const caseId = caseIdOf(variables);
      if (!caseId) return;
      const current = await findRow(tx, CaseEntity, { id: caseId }, ['id', 'rounds']);
      if (!current) return;
      const status = caseOutcomeByEndEvent[instance.endElementId ?? ''] ?? 'closed';
      const at = instance.endedAt ?? new Date();
      await updateRows(tx, CaseEntity, { id: caseId }, { status, currentStep: null, closedAt: at, updatedAt: at });
      // everyone's tasks of this case move from 已办 to 办结
      await updateRows(tx, TaskEntity, { caseId }, { caseOpen: false });
      await closePersonCases(tx, caseId);
      await addEvent(tx, { caseId, at, actor: null, type: `case.${status}`, elementId: instance.endElementId, taskId: null, round: current.rounds, data: null });
    },
  };
}
