/**
 * Case categories for tests that run the platform without the demo district (SEED_DEMO=false):
 * a case can only be opened in a category the bureau has, so such tests add the plain demo
 * categories they use (without their unit links, as no units are seeded). Saving is an upsert,
 * so a restarted platform may call it again.
 */
import { demoCategories } from '../../seed/demo.js';
import type { UnitStore } from '../../units/index.js';

export async function seedCaseCategories(units: Pick<UnitStore, 'saveCategory'>, codes: string[] = ['street-vending', 'illegal-posting']): Promise<void> {
  for (const category of demoCategories.filter((c) => codes.includes(c.code))) {
    await units.saveCategory({ ...category, defaultUnitId: undefined, overrideUnitId: undefined });
  }
}
