/**
 * Lockout of sign-in names that have no usable account (unknown, or disabled), kept in the
 * database like a real account's `failed_count` / `locked_until` and with the same rules: the
 * threshold-th failure locks the name for the lockout time and resets its count, failures while
 * locked do not count, and the state survives a restart. So neither the lock nor its counter
 * tells which usernames exist.
 *
 * Rows are keyed by the SHA-256 of the normalized name and bounded: beyond `maxNames` rows the
 * least recently failed names that are not locked now are forgotten first (then the oldest of
 * all, should everything be locked), a tenth of the cap at a time.
 */
import { createHash } from 'node:crypto';
import { In, IsNull, LessThanOrEqual, type EntityManager } from 'typeorm';
import { NameLockoutEntity } from './entities.js';

export type NameLockoutResult = 'locked' | 'now-locked' | 'counted';

export function nameLockoutKey(normalizedName: string): string {
  return createHash('sha256').update(`paidan-signin-name\u0000${normalizedName}`).digest('hex');
}

export class NameLockouts {
  constructor(private readonly options: { threshold: number; lockMs: number; now: () => Date; maxNames?: number }) {}

  private get maxNames(): number {
    return this.options.maxNames ?? 10_000;
  }

  /**
   * One failed sign-in for the name, in the caller's transaction: `locked` when it was locked
   * already (not counted), `now-locked` when this failure locked it, else `counted`.
   */
  async fail(tx: EntityManager, normalizedName: string): Promise<NameLockoutResult> {
    const { threshold, lockMs } = this.options;
    const r = tx.getRepository(NameLockoutEntity);
    const nameHash = nameLockoutKey(normalizedName);
    const at = this.options.now();
    const row = await r.findOne({ where: { nameHash } });
    if (row?.lockedUntil && row.lockedUntil.getTime() > at.getTime()) return 'locked';
    if (!row) {
      await r.createQueryBuilder().insert().values({ nameHash, failedCount: 0, lockedUntil: null, updatedAt: at }).orIgnore().execute();
      await this.prune(tx, nameHash);
    }
    await r.createQueryBuilder().update().set({ failedCount: () => 'failed_count + 1', updatedAt: at }).where('name_hash = :h', { h: nameHash }).execute();
    const { failedCount } = await r.findOneOrFail({ where: { nameHash }, select: { nameHash: true, failedCount: true } });
    if (failedCount < threshold) return 'counted';
    await r.update({ nameHash }, { failedCount: 0, lockedUntil: new Date(at.getTime() + lockMs), updatedAt: at });
    return 'now-locked';
  }

  /** Forgets names beyond the cap: idle ones (not locked now) by oldest failure first. */
  private async prune(tx: EntityManager, keep: string): Promise<void> {
    const r = tx.getRepository(NameLockoutEntity);
    const excess = (await r.count()) - this.maxNames;
    if (excess <= 0) return;
    const drop = excess + Math.ceil(this.maxNames / 10);
    const at = this.options.now();
    const idle = await r.find({ select: { nameHash: true }, where: [{ lockedUntil: IsNull() }, { lockedUntil: LessThanOrEqual(at) }], order: { updatedAt: 'ASC' }, take: drop });
    const victims = idle.map((v) => v.nameHash).filter((h) => h !== keep);
    if (victims.length < excess) {
      const oldest = await r.find({ select: { nameHash: true }, order: { updatedAt: 'ASC' }, take: excess + 1 });
      victims.push(...oldest.map((v) => v.nameHash).filter((h) => h !== keep && !victims.includes(h)));
    }
    for (let i = 0; i < victims.length; i += 500) await r.delete({ nameHash: In(victims.slice(i, i + 500)) });
  }
}
