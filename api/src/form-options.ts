/**
 * The choices the forms' selects offer (`valuesKey`): inspectors for 派发核实 / 派发核查, units
 * for 派遣 (the suggested one first), the dispatched unit's officers for 指派 (suggested first).
 * The same lists are used to check a submitted choice, so a form cannot name someone else.
 */
import type { TaskRow } from '../../tasks/entities.js';
import type { FormOption, FormOptionsProvider } from '../../tasks/routes.js';
import type { Variables } from '../../engine/port.js';
import type { UnitStore } from '../../units/index.js';

export interface PeopleDirectory {
  list(filter: { role?: 'inspector' | 'officer'; unitId?: string; limit?: number }): Promise<{ users: { username: string; displayName: string; disabled?: boolean }[] }>;
}

function suggestedFirst(options: FormOption[], suggested: unknown): FormOption[] {
  if (typeof suggested !== 'string') return options;
  return [...options.filter((o) => o.value === suggested).map((o) => ({ ...o, label: `${o.label}（推荐）` })), ...options.filter((o) => o.value !== suggested)];
}

export function createFormOptions(deps: { people: PeopleDirectory; units: UnitStore }): FormOptionsProvider {
  const { people, units } = deps;
  return async (task: TaskRow, variables: Variables): Promise<Record<string, FormOption[]>> => {
    switch (task.formId) {
      case 'assign-inspector':
      case 'assign-recheck': {
        const { users } = await people.list({ role: 'inspector', limit: 500 });
        return { inspectorOptions: users.filter((u) => !u.disabled).map((u) => ({ label: `${u.displayName}（${u.username}）`, value: u.username })) };
      }
      case 'dispatch-to-unit': {
        const list = await units.listUnits();
        return { unitOptions: suggestedFirst(list.map((u) => ({ label: u.name, value: u.id })), variables.suggestedUnitId) };
      }
      case 'assign-officer': {
        const unitId = typeof variables.unitId === 'string' ? variables.unitId : '';
        const officers = unitId ? await units.listOfficers({ unitId }) : [];
        return { officerOptions: suggestedFirst(officers.map((o) => ({ label: `${o.displayName}（${o.username}）`, value: o.username })), variables.suggestedOfficer) };
      }
      default:
        return {};
    }
  };
}
