/**
 * Demo data for the embedded default: writes the 城东区 demo district (seed/demo-district.ts)
 * through the units store. Idempotent — everything is upserted by its code — so running it
 * twice creates no duplicates; `ifEmpty` leaves a database that already has units alone.
 */
import type { DataSource } from 'typeorm';
import { createUnitStore } from '../units/index.js';
import { demoAreas, demoCategories, demoLeads, demoOfficers, demoUnits } from './demo-district.js';

export { demoAccounts, demoAreas, demoCategories, demoLeads, demoOfficers, demoUnits, demoGrid, parkCell, lake, type DemoAccount, type DemoRole } from './demo-district.js';

export interface SeedOptions {
  /** Do nothing when the database already has units (keeps an administrator's edits). */
  ifEmpty?: boolean;
  /** Stamp for the officers' last known positions (default now). */
  now?: Date;
}

export interface SeedResult {
  seeded: boolean;
  units: number;
  categories: number;
  areas: number;
  officers: number;
  leads: number;
}

export async function seedDemoData(dataSource: DataSource, options: SeedOptions = {}): Promise<SeedResult> {
  const store = createUnitStore(dataSource);
  const none: SeedResult = { seeded: false, units: 0, categories: 0, areas: 0, officers: 0, leads: 0 };
  if (options.ifEmpty && (await store.listUnits()).length > 0) return none;
  const at = (options.now ?? new Date()).toISOString();
  for (const unit of demoUnits) await store.saveUnit(unit);
  for (const category of demoCategories) await store.saveCategory(category);
  const areas = demoAreas();
  await store.saveAreas(areas);
  for (const { position, ...officer } of demoOfficers) {
    await store.saveOfficer(officer);
    await store.updateOfficerPosition(officer.username, { lng: position[0], lat: position[1], at });
  }
  for (const lead of demoLeads) await store.saveUnitLead({ username: lead.username, unitId: lead.unitId });
  return { seeded: true, units: demoUnits.length, categories: demoCategories.length, areas: areas.length, officers: demoOfficers.length, leads: demoLeads.length };
}
