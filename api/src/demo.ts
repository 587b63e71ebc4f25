/**
 * Demo data for the embedded default (`SEED_DEMO`, on in development): the 城东区 district with
 * its units, areas, categories, officers and leads, plus one account for every role, all with
 * the same demo password. Idempotent: a second start changes nothing.
 */
import { seedDemoData, demoAccounts } from '../../seed/demo.js';
import type { Platform } from './platform.js';
import type { SeedAccount } from '../../identity/index.js';

/** Meets the password policy (letters and digits, not a common password); printed at start-up. */
export const demoPassword = 'Paidan#2026demo';

export const demoStaff: Omit<SeedAccount, 'password'>[] = [
  { username: 'admin', displayName: '系统管理员', mobile: '13700000000', role: 'admin', unitId: null },
  { username: 'dispatcher1', displayName: '坐席 周敏', mobile: '13700000001', role: 'dispatcher', unitId: null },
  { username: 'dispatcher2', displayName: '坐席 钱颖', mobile: '13700000002', role: 'dispatcher', unitId: null },
  { username: 'inspector1', displayName: '信息员 李明', mobile: '13700000011', role: 'inspector', unitId: null },
  { username: 'inspector2', displayName: '信息员 王芳', mobile: '13700000012', role: 'inspector', unitId: null },
];

export function demoSeedAccounts(): SeedAccount[] {
  return [
    ...demoStaff,
    ...demoAccounts.map((a) => ({ username: a.username, displayName: a.displayName, mobile: a.phone, role: a.role, unitId: a.unitId })),
  ].map((a) => ({ ...a, password: demoPassword }));
}

export async function seedDemo(platform: Platform, identity: { seedAccounts(list: SeedAccount[]): Promise<string[]> }): Promise<{ accounts: string[] }> {
  await seedDemoData(platform.dataSource, { ifEmpty: true });
  const accounts = await identity.seedAccounts(demoSeedAccounts());
  return { accounts };
}
