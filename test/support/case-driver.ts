/**
 * Drives enforcement cases through their user tasks the way the people would, with a scripted
 * outcome per case: verified or not, how many re-checks fail, how many times the unit sends
 * the enforcement back. Used by the flow tests, the crash test and the flow benchmark.
 */
import type { WorkflowEngine, UserTask, Variables } from '../../engine/port.js';

export interface CaseScript {
  substantiated: boolean;
  /** Re-checks that find the problem not fixed before one finds it fixed. */
  failedRechecks: number;
  /** Times the unit lead returns the first enforcement report to the officer. */
  returnsFromReview?: number;
}

/** How far the case has got, counted from the engine's completed tasks (survives restarts). */
export interface CaseProgress {
  rechecksDone: number;
  reviewsDone: number;
}

export const demoActors = {
  dispatcher: 'dispatcher1',
  inspector: 'inspector1',
  recheckInspector: 'inspector2',
  officer: 'officer1',
  unitLead: 'lead1',
};

/** The form data a person submits for the task, given the script and the case's variables. */
export function formDataFor(task: UserTask, variables: Variables, script: CaseScript, progress: CaseProgress): Variables {
  const { rechecksDone, reviewsDone } = progress;
  switch (task.elementId) {
    case 'assignInspector':
      return { inspector: demoActors.inspector, assignNotes: '请尽快到现场核实' };
    case 'verifyReport':
      return { verification: script.substantiated ? 'substantiated' : 'unsubstantiated', verifyNotes: script.substantiated ? '现场情况属实' : '现场未发现问题', verifyPhotos: [] };
    case 'dispatchToUnit':
      return { unitId: (variables.suggestedUnitId as string | null) ?? 'U-TEST-01', dispatchNotes: '请按时处置' };
    case 'assignOfficer':
      return { officer: (variables.suggestedOfficer as string | null) ?? demoActors.officer, assignOfficerNotes: '' };
    case 'enforce':
      return { enforceResult: '已责令当事人整改', enforcePhotos: [] };
    case 'reviewResult': {
      const ret = rechecksDone === 0 && reviewsDone < (script.returnsFromReview ?? 0);
      return { review: ret ? 'returned' : 'approved', reviewNotes: ret ? '照片不清晰，请补充' : '同意' };
    }
    case 'confirmDismissal':
      // the scripted inspector's photos carry no EXIF, so a 不属实 always comes here: confirmed
      return { dismissalDecision: 'confirm', dismissalNotes: null };
    case 'assignRecheck':
      return { recheckInspector: demoActors.recheckInspector, recheckNotes: '' };
    case 'recheck': {
      const fixed = rechecksDone >= script.failedRechecks;
      return { recheckResult: fixed ? 'fixed' : 'not_fixed', recheckFindings: fixed ? '已整改到位' : '仍有摊贩占道', recheckPhotos: [] };
    }
    default:
      throw new Error(`no scripted data for task ${task.elementId}`);
  }
}

/** Who completes the task: its assignee, or the user the script plays for its group. */
export function actorFor(task: UserTask): string {
  if (task.assignee) return task.assignee;
  if (task.candidateGroups.includes('dispatcher')) return demoActors.dispatcher;
  if (task.candidateGroups.some((g) => g.startsWith('unit-lead:'))) return demoActors.unitLead;
  return task.candidateUsers[0] ?? demoActors.dispatcher;
}

/** Claims (when needed) and completes one task as the scripted person. */
export async function completeAsScripted(engine: WorkflowEngine, task: UserTask, script: CaseScript): Promise<void> {
  const variables = await engine.getVariables(task.processInstanceKey);
  const done = await engine.listUserTasks({ processInstanceKey: task.processInstanceKey, state: 'completed' });
  const progress = { rechecksDone: done.filter((t) => t.elementId === 'recheck').length, reviewsDone: done.filter((t) => t.elementId === 'reviewResult').length };
  const actor = actorFor(task);
  if (!task.assignee) await engine.claimUserTask(task.key, actor, { actor: { username: actor } });
  await engine.completeUserTask(task.key, formDataFor(task, variables, script, progress), { actor: { username: actor } });
}

/**
 * Completes open tasks of the given instances until every instance has ended (or `maxSteps`).
 * Waits for the engine's jobs between rounds.
 */
export async function driveToEnd(engine: WorkflowEngine, scripts: Map<string, CaseScript>, maxSteps = 10_000): Promise<number> {
  let steps = 0;
  for (;;) {
    await engine.idle();
    const open = (await engine.listUserTasks({ state: 'created' })).filter((t) => scripts.has(t.processInstanceKey));
    if (open.length === 0) {
      const states = await Promise.all([...scripts.keys()].map((k) => engine.getInstance(k).then((i) => i.state)));
      if (states.every((s) => s !== 'active')) return steps;
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    for (const task of open) {
      await completeAsScripted(engine, task, scripts.get(task.processInstanceKey) as CaseScript);
      steps += 1;
      if (steps > maxSteps) throw new Error(`cases did not end within ${maxSteps} steps`);
    }
  }
}

/** How many times each user task runs for a script (what the records must show, no more). */
export function expectedTaskCounts(script: CaseScript): Record<string, number> {
  // the scripted 不属实 has no photos, so the photo check does not pass: 确认不属实 comes first
  if (!script.substantiated) return { assignInspector: 1, verifyReport: 1, confirmDismissal: 1 };
  const rounds = script.failedRechecks + 1;
  const returns = script.returnsFromReview ?? 0;
  return {
    assignInspector: 1, verifyReport: 1, dispatchToUnit: rounds, assignOfficer: rounds, enforce: rounds + returns,
    reviewResult: rounds + returns, assignRecheck: rounds, recheck: rounds,
  };
}

/** How many times each job runs for a script. */
export function expectedJobCounts(script: CaseScript): Record<string, number> {
  if (!script.substantiated) return { acknowledgeReport: 1, checkVerifyPhotos: 1, notifyDismissed: 1, archiveDismissed: 1 };
  const rounds = script.failedRechecks + 1;
  const returns = script.returnsFromReview ?? 0;
  return {
    acknowledgeReport: 1, checkVerifyPhotos: 1, suggestUnit: rounds, suggestOfficer: rounds, checkEnforcePhotos: rounds + returns,
    checkRecheckPhotos: rounds, notifyResolved: 1, archiveResolved: 1,
  };
}
