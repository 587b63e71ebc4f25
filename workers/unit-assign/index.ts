/**
 * `unit-assign` worker: suggests the responsible unit for a case (header `suggest=unit`) or the
 * officer within the dispatched unit (`suggest=officer`). A suggestion is advice for the
 * dispatcher / unit lead: bad or missing input yields no suggestion and a reason, never a
 * failure; only an unreachable database or workload source fails the job (to be retried).
 */
import { JobFailure, type Worker } from '../contract.js';
import {
  shanghaiDate, suggestOfficer, suggestUnit, type OfficerCandidate, type OfficerRankingOptions, type UnitCandidate, type UnitDirectory, type UnitSuggestionOptions,
} from '../../units/index.js';

export interface UnitAssignInput {
  location?: unknown;
  category?: string | null;
  unitId?: string | null;
}

export interface UnitAssignOutput extends Record<string, unknown> {
  suggestedUnitId?: string | null;
  unitCandidates?: UnitCandidate[];
  unitSuggestionReason?: string;
  /** The area (单元网格) the case lies in, when one decided the suggestion. */
  suggestedAreaId?: string | null;
  suggestedOfficer?: string | null;
  officerCandidates?: OfficerCandidate[];
  officerSuggestionReason?: string;
}

/** Open tasks per username (the lead wires it to the task records). */
export type WorkloadFn = (usernames: string[]) => Promise<Map<string, number>>;

export interface UnitAssignDeps {
  units: UnitDirectory;
  workload: WorkloadFn;
  config?: UnitSuggestionOptions & OfficerRankingOptions;
  /** The clock (tests); "today" is its Asia/Shanghai date. */
  now?: () => Date;
}

export function createUnitAssignWorker(deps: UnitAssignDeps): Worker<UnitAssignInput, UnitAssignOutput> {
  const now = deps.now ?? (() => new Date());
  return {
    type: 'unit-assign',
    inputSchema: {
      type: 'object',
      properties: {
        // Deliberately loose: a malformed location, category or unit is reported in the reason,
        // not refused (a refusal would raise an incident and stall the case).
        location: {},
        category: {},
        unitId: {},
      },
    },
    async handle(variables, job) {
      const suggest = job.headers.suggest;
      if (suggest === 'unit') {
        const snapshot = await load(() => deps.units.snapshot(), 'load the areas');
        const { suggestedUnitId, unitCandidates, unitSuggestionReason, suggestedAreaId } = suggestUnit(snapshot, variables, deps.config);
        return { suggestedUnitId, unitCandidates, unitSuggestionReason, suggestedAreaId };
      }
      if (suggest === 'officer') return suggestOfficerFor(variables, deps, now());
      throw new JobFailure(`unit-assign: header suggest must be unit or officer (got ${JSON.stringify(suggest)})`);
    },
  };
}

async function load<T>(work: () => Promise<T>, what: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new JobFailure(`unit-assign: could not ${what}: ${(error as Error).message}`, undefined, { cause: error });
  }
}

async function suggestOfficerFor(variables: UnitAssignInput, deps: UnitAssignDeps, at: Date): Promise<UnitAssignOutput> {
  const unitId = typeof variables.unitId === 'string' ? variables.unitId.trim() : '';
  if (!unitId) return { suggestedOfficer: null, officerCandidates: [], officerSuggestionReason: '案件尚未派遣到责任单位，无法推荐执法队员。' };
  const snapshot = await load(() => deps.units.snapshot(), 'load the units');
  const unit = snapshot.units.get(unitId);
  if (!unit) return { suggestedOfficer: null, officerCandidates: [], officerSuggestionReason: `未知的责任单位“${unitId}”，无法推荐执法队员。` };
  const officers = await load(() => deps.units.officersOnDate(unitId, shanghaiDate(at)), 'load the officers');
  const workload = officers.length > 0 ? await load(() => deps.workload(officers.map((o) => o.username)), 'count open tasks') : new Map<string, number>();
  const { suggestedOfficer, officerCandidates, officerSuggestionReason } = suggestOfficer(unit.name, officers, workload, variables.location, at, deps.config);
  return { suggestedOfficer, officerCandidates, officerSuggestionReason };
}
