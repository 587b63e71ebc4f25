/**
 * Built-in accounts and what an administrator does with them: create, list, disable, reset a
 * password (forcing a change at the next sign-in), unlock, bind or unbind a device, assign a
 * role and unit. Every change is audited in the same transaction, and every change that
 * alters what a signed-in user may do ends that user's sessions.
 */
import { randomInt } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../errors/index.js';
import { roles, type Principal, type Role } from '../api/src/http/principal.js';
import type { AuditLog } from '../audit/index.js';
import { findRow } from '../storage/rows.js';
import { AccountEntity, type AccountRow } from './entities.js';
import { hashPassword, verifyPassword } from './hashing.js';
import { normalizePassword, passwordRuleProblems, type PasswordPolicy } from './password-policy.js';
import { normalizeUsername, usernameRuleProblem } from './username.js';
import { normalizeDeviceId } from './device.js';
import type { Origin, RevokeReason, SessionStore } from './sessions.js';

export interface NewAccount {
  username: string;
  displayName: string;
  mobile: string;
  role: Role;
  unitId?: string | null;
  /** Omitted: a random temporary password is generated and returned once. */
  password?: string;
  requireDeviceBinding?: boolean;
  deviceId?: string | null;
  /** Default true for accounts an administrator makes (the temporary password must be replaced). */
  mustChangePassword?: boolean;
}

/** Who is acting, for the audit log (null principal: the system, e.g. seeding). */
export interface Actor {
  principal: Principal | null;
  origin: Origin;
}

export const systemActor: Actor = { principal: null, origin: { ip: null, userAgent: null } };

/** An account as the directories of other folders need it after a change (see `DirectoryHook`). */
export interface AccountChange {
  username: string;
  displayName: string;
  mobile: string;
  role: Role;
  unitId: string | null;
  disabled: boolean;
  /** The role and unit before the change (null: a new account). */
  previous: { role: Role; unitId: string | null } | null;
}

/**
 * Called inside the transaction of every account change that alters who a person is for the
 * rest of the platform (created, role or unit changed, disabled or enabled), so the officer
 * directory the forms offer knows a new officer at once; a refusal rolls the change back.
 */
export type DirectoryHook = (change: AccountChange, tx: EntityManager) => Promise<void>;

/** Field names in the Chinese summary of a refusal. */
const fieldNamesZh: Record<string, string> = {
  username: '用户名', displayName: '姓名', mobile: '手机号码', role: '角色', unitId: '单位', deviceId: '设备', password: '临时密码', newPassword: '新密码',
};

/** A refused field, with its message in English and Chinese (the problem answer picks one). */
function fieldError(code: 'request.invalid' | 'password.policy' | 'user.exists', field: string, problems: { en: string; zh: string }[], enLabel = field): DomainError {
  const zhName = fieldNamesZh[field] ?? field;
  return new DomainError(code, `the ${enLabel} ${problems.map((p) => p.en).join('; ')}`, {
    field, errors: problems.map((p) => ({ field, message: p.en, messageZh: p.zh })), detailZh: `${zhName}：${problems.map((p) => p.zh).join('；')}`,
  });
}

export interface AccountView {
  username: string;
  displayName: string;
  mobile: string;
  role: Role;
  unitId: string | null;
  disabled: boolean;
  locked: boolean;
  lockedUntil: string | null;
  mustChangePassword: boolean;
  passwordChangedAt: string;
  passwordExpiresAt: string | null;
  boundDeviceId: string | null;
  requireDeviceBinding: boolean;
  createdAt: string;
}

export function normalizeMobile(raw: string): string | null {
  const mobile = raw.replace(/[\s-]/g, '');
  return /^\+?[0-9]{6,15}$/.test(mobile) ? mobile : null;
}

const needsUnit = (role: Role) => role === 'unit-lead' || role === 'officer';

const deviceIdProblem = { en: 'must be an IMSI, IMEI, ESN or MEID (8–16 hex digits)', zh: '须为 SIM 卡 IMSI 或手机 IMEI / ESN / MEID（8–16 位十六进制）' };

function changeOf(a: AccountRow, before: AccountRow | null): AccountChange {
  return {
    username: a.username, displayName: a.displayName, mobile: a.mobile, role: a.role, unitId: a.unitId, disabled: a.disabled,
    previous: before ? { role: before.role, unitId: before.unitId } : null,
  };
}

export function createAccounts(deps: {
  dataSource: DataSource;
  policy: PasswordPolicy;
  audit: AuditLog;
  sessions: SessionStore;
  now: () => Date;
  /** Checks a unit id exists (optional: the units module supplies it). */
  unitExists?: (unitId: string) => Promise<boolean>;
  directory?: DirectoryHook;
}) {
  const { dataSource: ds, policy, audit, sessions, now } = deps;
  const repo = (tx?: EntityManager) => (tx ?? ds.manager).getRepository(AccountEntity);

  function present(a: AccountRow): AccountView {
    const expires = policy.expiryDays > 0 ? new Date(a.passwordChangedAt.getTime() + policy.expiryDays * 86_400_000) : null;
    const locked = !!a.lockedUntil && a.lockedUntil.getTime() > now().getTime();
    return {
      username: a.username, displayName: a.displayName, mobile: a.mobile, role: a.role, unitId: a.unitId, disabled: a.disabled,
      locked, lockedUntil: locked ? a.lockedUntil!.toISOString() : null, mustChangePassword: a.mustChangePassword,
      passwordChangedAt: a.passwordChangedAt.toISOString(), passwordExpiresAt: expires?.toISOString() ?? null,
      boundDeviceId: a.boundDeviceId, requireDeviceBinding: a.requireDeviceBinding, createdAt: a.createdAt.toISOString(),
    };
  }

  function auditAs(actor: Actor, action: string, target: string, detail: Record<string, unknown> | null, tx: EntityManager, outcome: 'success' | 'refused' = 'success') {
    return audit.record({ actor: actor.principal?.username ?? 'system', actorRole: actor.principal?.role ?? null, ...actor.origin, action, target: `user:${target}`, outcome, detail }, tx);
  }

  async function load(username: string, tx?: EntityManager): Promise<AccountRow> {
    const account = await repo(tx).findOne({ where: { username: normalizeUsername(username) } });
    if (!account) throw new DomainError('user.not_found', `no user ${username}`);
    return account;
  }

  async function checkRoleUnit(role: Role, unitId: string | null): Promise<void> {
    if (!roles.includes(role)) throw fieldError('request.invalid', 'role', [{ en: `is unknown: ${role}`, zh: '不是可选的角色' }]);
    if (needsUnit(role) && !unitId) throw fieldError('request.invalid', 'unitId', [{ en: `is required for a ${role}`, zh: '单位负责人和执法队员须选择所属单位' }]);
    if (unitId && deps.unitExists && !(await deps.unitExists(unitId))) throw fieldError('request.invalid', 'unitId', [{ en: `${unitId} does not exist`, zh: `没有这个单位（${unitId}）` }]);
  }

  function checkPassword(password: string, owner: { username: string; mobile: string }, field: string): void {
    const problems = passwordRuleProblems(password, owner, policy);
    if (problems.length) throw fieldError('password.policy', field, problems, 'password');
  }

  /** A random password that satisfies the policy (letters and digits, no look-alike characters). */
  function temporaryPassword(): string {
    const letters = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ';
    const digits = '23456789';
    const length = Math.min(Math.max(12, policy.minLength), policy.maxLength);
    const chars = [letters[randomInt(letters.length)], digits[randomInt(digits.length)]];
    while (chars.length < length) chars.push((letters + digits)[randomInt(letters.length + digits.length)]);
    for (let i = chars.length - 1; i > 0; i -= 1) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    return chars.join('');
  }

  async function endSessions(username: string, reason: RevokeReason, tx: EntityManager): Promise<void> {
    await sessions.revokeAll(username, reason, tx);
  }

  return {
    present,
    load,
    checkPassword,

    async find(username: string): Promise<AccountRow | null> {
      return repo().findOne({ where: { username: normalizeUsername(username) } });
    },

    async create(input: NewAccount, actor: Actor): Promise<{ account: AccountView; temporaryPassword?: string }> {
      const problem = usernameRuleProblem(input.username);
      if (problem) throw fieldError('request.invalid', 'username', [problem]);
      const username = normalizeUsername(input.username);
      const mobile = normalizeMobile(input.mobile);
      if (!mobile) throw fieldError('request.invalid', 'mobile', [{ en: 'must be 6–15 digits', zh: '须为 6–15 位数字' }], 'mobile number');
      const displayName = input.displayName.normalize('NFKC').trim();
      if (!displayName || /[\p{Cc}\p{Cf}]/u.test(displayName)) {
        throw fieldError('request.invalid', 'displayName', [{ en: 'is empty or has control characters', zh: '不能为空或含有控制字符' }], 'display name');
      }
      const unitId = input.unitId ?? null;
      await checkRoleUnit(input.role, unitId);
      const deviceId = input.deviceId ? normalizeDeviceId(input.deviceId) : null;
      if (input.deviceId && !deviceId) throw fieldError('request.invalid', 'deviceId', [deviceIdProblem], 'device id');
      const generated = input.password === undefined ? temporaryPassword() : undefined;
      const password = normalizePassword(input.password ?? generated!);
      checkPassword(password, { username, mobile }, 'password');
      const at = now();
      const row: AccountRow = {
        username, displayName: displayName.slice(0, 64), mobile, role: input.role, unitId, passwordHash: await hashPassword(password), passwordChangedAt: at,
        mustChangePassword: input.mustChangePassword ?? true, passwordHistory: [], failedCount: 0, lockedUntil: null, disabled: false,
        boundDeviceId: deviceId, requireDeviceBinding: input.requireDeviceBinding ?? false, createdAt: at, updatedAt: at,
      };
      await ds.transaction(async (tx) => {
        if (await repo(tx).findOne({ where: { username } })) throw fieldError('user.exists', 'username', [{ en: `${username} is taken`, zh: `${username} 已被使用，请换一个` }]);
        await repo(tx).insert(row);
        await deps.directory?.(changeOf(row, null), tx);
        await auditAs(actor, 'user.create', username, { role: row.role, unitId, requireDeviceBinding: row.requireDeviceBinding, deviceId }, tx);
      });
      return { account: present(row), ...(generated ? { temporaryPassword: generated } : {}) };
    },

    async list(filter: { role?: Role; unitId?: string; q?: string; offset?: number; limit?: number }): Promise<{ total: number; users: AccountView[] }> {
      const qb = repo().createQueryBuilder('a');
      if (filter.role) qb.andWhere('a.role = :role', { role: filter.role });
      if (filter.unitId) qb.andWhere('a.unit_id = :unitId', { unitId: filter.unitId });
      if (filter.q) {
        const like = `%${filter.q.replace(/[%_\\]/g, '\\$&')}%`;
        qb.andWhere('(a.username LIKE :like OR a.display_name LIKE :like OR a.mobile LIKE :like)', { like });
      }
      const [rows, total] = await qb.orderBy('a.username', 'ASC').skip(filter.offset ?? 0).take(Math.min(filter.limit ?? 50, 200)).getManyAndCount();
      return { total, users: rows.map(present) };
    },

    async setDisabled(username: string, disabled: boolean, actor: Actor): Promise<AccountView> {
      return ds.transaction(async (tx) => {
        const account = await load(username, tx);
        if (disabled && actor.principal?.username === account.username) throw new DomainError('user.self_change', 'you cannot disable your own account', { detailZh: '不能停用自己的账号' });
        await repo(tx).update({ username: account.username }, { disabled, updatedAt: now() });
        if (disabled) await endSessions(account.username, 'disabled', tx);
        if (account.disabled !== disabled) await deps.directory?.(changeOf({ ...account, disabled }, account), tx);
        await auditAs(actor, disabled ? 'user.disable' : 'user.enable', account.username, null, tx);
        return present({ ...account, disabled });
      });
    },

    /** Sets a new temporary password (generated when omitted), unlocks, and forces a change at the next sign-in. */
    async resetPassword(username: string, newPassword: string | undefined, actor: Actor): Promise<{ account: AccountView; temporaryPassword?: string }> {
      const account = await load(username);
      const generated = newPassword === undefined ? temporaryPassword() : undefined;
      const password = normalizePassword(newPassword ?? generated!);
      checkPassword(password, account, 'password');
      const passwordHash = await hashPassword(password);
      return ds.transaction(async (tx) => {
        const history = [account.passwordHash, ...account.passwordHistory].slice(0, Math.max(policy.history - 1, 0));
        const changes = { passwordHash, passwordHistory: history, passwordChangedAt: now(), mustChangePassword: true, failedCount: 0, lockedUntil: null, updatedAt: now() };
        await repo(tx).update({ username: account.username }, changes);
        await endSessions(account.username, 'password_reset', tx);
        await auditAs(actor, 'user.password_reset', account.username, { generated: !!generated }, tx);
        return { account: present({ ...account, ...changes }), ...(generated ? { temporaryPassword: generated } : {}) };
      });
    },

    async unlock(username: string, actor: Actor): Promise<AccountView> {
      return ds.transaction(async (tx) => {
        const account = await load(username, tx);
        await repo(tx).update({ username: account.username }, { failedCount: 0, lockedUntil: null, updatedAt: now() });
        await auditAs(actor, 'user.unlock', account.username, null, tx);
        return present({ ...account, failedCount: 0, lockedUntil: null });
      });
    },

    /** Binds the account to a device (null: unbinds; with requireBinding the next sign-in binds). */
    async bindDevice(username: string, rawDeviceId: string | null, requireBinding: boolean | undefined, actor: Actor): Promise<AccountView> {
      const deviceId = rawDeviceId === null ? null : normalizeDeviceId(rawDeviceId);
      if (rawDeviceId !== null && !deviceId) throw fieldError('request.invalid', 'deviceId', [deviceIdProblem], 'device id');
      return ds.transaction(async (tx) => {
        const account = await load(username, tx);
        const changes = { boundDeviceId: deviceId, requireDeviceBinding: requireBinding ?? account.requireDeviceBinding, updatedAt: now() };
        await repo(tx).update({ username: account.username }, changes);
        if (account.boundDeviceId !== deviceId) await endSessions(account.username, 'device_rebind', tx);
        await auditAs(actor, deviceId ? 'device.bind' : 'device.unbind', account.username, { from: account.boundDeviceId, to: deviceId, requireBinding: changes.requireDeviceBinding }, tx);
        return present({ ...account, ...changes });
      });
    },

    async setRole(username: string, role: Role, unitId: string | null, actor: Actor): Promise<AccountView> {
      await checkRoleUnit(role, unitId);
      return ds.transaction(async (tx) => {
        const account = await load(username, tx);
        if (actor.principal?.username === account.username && role !== 'admin') throw new DomainError('user.self_change', 'you cannot remove your own admin role', { detailZh: '不能取消自己的管理员角色' });
        await repo(tx).update({ username: account.username }, { role, unitId, updatedAt: now() });
        if (account.role !== role || account.unitId !== unitId) {
          await endSessions(account.username, 'role_change', tx);
          await deps.directory?.(changeOf({ ...account, role, unitId }, account), tx);
        }
        await auditAs(actor, 'user.role', account.username, { from: { role: account.role, unitId: account.unitId }, to: { role, unitId } }, tx);
        return present({ ...account, role, unitId });
      });
    },

    /**
     * Replaces the password after the owner proved the current one: policy and history are
     * checked, every session of the user ends (the caller issues a fresh one), and it is audited.
     */
    async replacePassword(account: AccountRow, newPassword: string, actor: Actor): Promise<void> {
      const password = normalizePassword(newPassword);
      checkPassword(password, account, 'newPassword');
      const recent = [account.passwordHash, ...account.passwordHistory].slice(0, Math.max(policy.history, 1));
      for (const old of recent) {
        if (await verifyPassword(old, password)) {
          const problem = policy.history > 1
            ? { en: `must not be one of the last ${policy.history} passwords`, zh: `不能与最近 ${policy.history} 次用过的密码相同` }
            : { en: 'must differ from the current password', zh: '不能与当前密码相同' };
          throw fieldError('password.policy', 'newPassword', [problem], 'password');
        }
      }
      const passwordHash = await hashPassword(password);
      await ds.transaction(async (tx) => {
        const history = recent.slice(0, Math.max(policy.history - 1, 0));
        await repo(tx).update({ username: account.username }, { passwordHash, passwordHistory: history, passwordChangedAt: now(), mustChangePassword: false, failedCount: 0, lockedUntil: null, updatedAt: now() });
        await endSessions(account.username, 'password_change', tx);
        await auditAs(actor, 'password.change', account.username, null, tx);
      });
    },

    /** Creates the demo accounts that do not exist yet (passwords stay valid: no forced change). */
    async seed(list: { username: string; displayName: string; mobile: string; role: Role; unitId: string | null; password: string }[]): Promise<string[]> {
      const created: string[] = [];
      for (const entry of list) {
        if (await repo().findOne({ where: { username: normalizeUsername(entry.username) } })) continue;
        await this.create({ ...entry, mustChangePassword: false }, systemActor);
        created.push(normalizeUsername(entry.username));
      }
      return created;
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;

/**
 * A person's phone, role and name, read in the caller's transaction: the assignment SMS
 * (sms/assignment-notice.ts) runs inside the engine's. A disabled account has no contact.
 */
export async function accountContact(em: EntityManager, username: string): Promise<{ phone: string | null; role: Role; displayName: string } | null> {
  const row = await findRow(em, AccountEntity, { username }, ['username', 'mobile', 'role', 'displayName', 'disabled']);
  return row && !row.disabled ? { phone: row.mobile || null, role: row.role, displayName: row.displayName } : null;
}
