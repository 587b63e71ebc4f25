/**
 * The choices the forms' selects offer (`valuesKey`): inspectors for 派发核实 / 派发核查, units
 * for 派遣 (the suggested one first), the dispatched unit's officers for 指派 (suggested first).
 * The same lists are used to check a submitted choice, so a form cannot name someone else, and
 * to offer who a task can be reassigned to (转派).
 */
import type { TaskRow } from '../../tasks/entities.js';
import type { FormOption, FormOptionsProvider, ReassignTargets } from '../../tasks/routes.js';
import type { Variables } from '../../engine/port.js';
import type { UnitStore } from '../../units/index.js';
import { shanghaiDate } from '../../units/index.js';

export interface PeopleDirectory {
  list(filter: { role?: 'dispatcher' | 'inspector' | 'unit-lead' | 'officer'; unitId?: string; limit?: number }): Promise<{ users: { username: string; displayName: string; disabled?: boolean }[] }>;
}

type Role = NonNullable<Parameters<PeopleDirectory['list']>[0]['role']>;

async function peopleOf(people: PeopleDirectory, role: Role, unitId?: string): Promise<FormOption[]> {
  const { users } = await people.list({ role, ...(unitId ? { unitId } : {}), limit: 500 });
  return users.filter((u) => !u.disabled).map((u) => ({ label: `${u.displayName}（${u.username}）`, value: u.username }));
}

/** The unit's active officers, the off-duty ones marked (休息) — today in Asia/Shanghai. */
async function officersOf(units: UnitStore, variables: Variables, at = new Date()): Promise<FormOption[]> {
  const unitId = typeof variables.unitId === 'string' ? variables.unitId : '';
  const officers = unitId ? await units.officersOnDate(unitId, shanghaiDate(at)) : [];
  return officers.map((o) => ({ label: `${o.displayName}（${o.username}）${o.onDuty ? '' : '（今日休息）'}`, value: o.username }));
}

/** The suggested choice first, marked 推荐 and `suggested` (the form opens with it chosen). */
function suggestedFirst(options: FormOption[], suggested: unknown): FormOption[] {
  if (typeof suggested !== 'string') return options;
  return [...options.filter((o) => o.value === suggested).map((o) => ({ ...o, label: `${o.label}（推荐）`, suggested: true })), ...options.filter((o) => o.value !== suggested)];
}

export function createFormOptions(deps: { people: PeopleDirectory; units: UnitStore }): FormOptionsProvider {
  const { people, units } = deps;
  return async (task: TaskRow, variables: Variables): Promise<Record<string, FormOption[]>> => {
    switch (task.formId) {
      case 'assign-inspector':
      case 'assign-recheck':
        return { inspectorOptions: await peopleOf(people, 'inspector') };
      case 'dispatch-to-unit': {
        const list = await units.listUnits();
        return { unitOptions: suggestedFirst(list.map((u) => ({ label: u.name, value: u.id })), variables.suggestedUnitId) };
      }
      case 'assign-officer':
        return { officerOptions: suggestedFirst(await officersOf(units, variables), variables.suggestedOfficer) };
      default:
        return {};
    }
  };
}

/**
 * Who a task can be reassigned to: the members of the groups the diagram offers it to (the
 * dispatchers, the unit's leads); for a task given to one person, whom its assigning form
 * offers — any inspector for 现场核实 / 核查, the unit's officers for 执法处置.
 */
export function createReassignTargets(deps: { people: PeopleDirectory; units: UnitStore }): ReassignTargets {
  const { people, units } = deps;
  return async (task: TaskRow, variables: Variables, ownGroups: readonly string[]): Promise<FormOption[]> => {
    if (ownGroups.length) {
      const lists = await Promise.all(ownGroups.map((group) => {
        if (group === 'dispatcher') return peopleOf(people, 'dispatcher');
        if (group.startsWith('unit-lead:')) return peopleOf(people, 'unit-lead', group.slice('unit-lead:'.length));
        return Promise.resolve([]);
      }));
      const seen = new Set<string>();
      return lists.flat().filter((o) => !seen.has(o.value) && seen.add(o.value));
    }
    switch (task.formId) {
      case 'verify-report':
      case 'recheck':
        return peopleOf(people, 'inspector');
      case 'enforce':
        return officersOf(units, variables);
      default:
        return [];
    }
  };
}
