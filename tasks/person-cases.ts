/**
 * Keeps task_person_case (a person's part in a case, tasks/entities.ts) in the transactions
 * that record a completion and a case's end, so 已办 / 办结 read one row per case off an index.
 */
import type { EntityManager } from 'typeorm';
import { findRow, insertRows, updateRows } from '../storage/rows.js';
import { TaskPersonCaseEntity, type PersonStep } from './entities.js';

/** The steps with one more completion of `elementId`, a step done for the first time last. */
export function withStep(steps: readonly PersonStep[], elementId: string, name: string | null): PersonStep[] {
  const found = steps.some((s) => s.elementId === elementId);
  return found ? steps.map((s) => (s.elementId === elementId ? { ...s, count: s.count + 1, name: s.name ?? name } : s)) : [...steps, { elementId, name, count: 1 }];
}

/**
 * `person` completed a task of `caseId`. Call it once per completion (the record hooks skip a
 * replayed one). The embedded engine runs one instance's actions one at a time, so two
 * completions of the same case never race for the row.
 */
export async function recordPersonCompletion(tx: EntityManager, done: { person: string; caseId: string; elementId: string; name: string | null; at: Date; caseOpen: boolean }): Promise<void> {
  // plain statements (storage/rows.ts), as the other record writes of an engine step
  const key = { person: done.person, caseId: done.caseId };
  const current = await findRow(tx, TaskPersonCaseEntity, key, ['taskCount', 'steps', 'lastDoneAt']);
  if (!current) {
    await insertRows(tx, TaskPersonCaseEntity, [{ ...key, caseOpen: done.caseOpen, lastDoneAt: done.at, taskCount: 1, steps: [{ elementId: done.elementId, name: done.name, count: 1 }] }]);
    return;
  }
  await updateRows(tx, TaskPersonCaseEntity, key, {
    taskCount: current.taskCount + 1,
    steps: withStep(current.steps, done.elementId, done.name),
    lastDoneAt: current.lastDoneAt > done.at ? current.lastDoneAt : done.at,
  });
}

/** The case ended: everyone's part in it moves from 已办 to 办结. */
export async function closePersonCases(tx: EntityManager, caseId: string): Promise<void> {
  await updateRows(tx, TaskPersonCaseEntity, { caseId }, { caseOpen: false });
}

/** The case was reopened (a new round): everyone's part in it is back from 办结 to 已办. */
export async function reopenPersonCases(tx: EntityManager, caseId: string): Promise<void> {
  await updateRows(tx, TaskPersonCaseEntity, { caseId }, { caseOpen: true });
}
