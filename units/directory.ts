/**
 * The unit directory the `unit-assign` worker reads: a cached assignment snapshot (R-tree of
 * areas, units, categories) rebuilt when the units revision changes — checked at most every
 * `refreshIntervalMs`, and at once after a write through this process's store — and the
 * officers of a unit with their duty on a date.
 */
import { buildSnapshot, type AssignmentSnapshot } from './area-index.js';
import type { OfficerDuty, UnitStore } from './store.js';

export interface UnitDirectory {
  snapshot(): Promise<AssignmentSnapshot>;
  officersOnDate(unitId: string, date: string): Promise<OfficerDuty[]>;
}

export interface UnitDirectoryOptions {
  store: UnitStore;
  /** How often the revision is checked for changes made by other processes (default 2000 ms). */
  refreshIntervalMs?: number;
  now?: () => number;
}

export function createUnitDirectory(options: UnitDirectoryOptions): UnitDirectory & { invalidate(): void } {
  const { store } = options;
  const interval = options.refreshIntervalMs ?? 2000;
  const now = options.now ?? Date.now;
  let cached: AssignmentSnapshot | null = null;
  let checkedAt = 0;
  let pending: Promise<AssignmentSnapshot> | null = null;

  const refresh = async (): Promise<AssignmentSnapshot> => {
    try {
      const revision = await store.revision();
      if (!cached || cached.revision !== revision) cached = buildSnapshot(await store.loadAssignmentData());
      checkedAt = now();
      return cached;
    } catch (error) {
      // A database hiccup: keep serving the last snapshot rather than failing every suggestion.
      if (cached) return cached;
      throw error;
    }
  };

  const directory = {
    async snapshot(): Promise<AssignmentSnapshot> {
      if (cached && now() - checkedAt < interval) return cached;
      pending ??= refresh().finally(() => {
        pending = null;
      });
      return pending;
    },
    officersOnDate: (unitId: string, date: string) => store.officersOnDate(unitId, date),
    invalidate(): void {
      checkedAt = 0;
    },
  };
  store.onChange(() => directory.invalidate());
  return directory;
}
