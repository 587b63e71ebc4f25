/**
 * Signing in to a built-in account. Every attempt costs one argon2 verification whether the
 * name exists or not, fails with one message for a wrong name or password, counts towards the
 * account's lockout (names without a usable account lock alike, also in the database: see
 * name-lockout.ts) and the address's throttle, checks the bound device, and yields a
 * change-password-only session once the password has expired.
 */
import type { DataSource } from 'typeorm';
import { DomainError } from '../errors/index.js';
import type { AuthConfig } from '../api/src/config.js';
import type { Principal } from '../api/src/http/principal.js';
import type { AuditLog } from '../audit/index.js';
import { AccountEntity, type AccountRow, type SessionKind } from './entities.js';
import { dummyHash, verifyPassword } from './hashing.js';
import { normalizePassword } from './password-policy.js';
import { normalizeUsername } from './username.js';
import { normalizeDeviceId, sameDevice } from './device.js';
import { FailureThrottle } from './throttle.js';
import { NameLockouts } from './name-lockout.js';
import type { Accounts } from './accounts.js';
import type { IssuedSession, Origin, SessionStore } from './sessions.js';

export interface SignInRequest {
  username: string;
  password: string;
  deviceId?: string | null;
  kind: SessionKind;
  origin: Origin;
}

export interface SignInResult extends IssuedSession {
  passwordExpired: boolean;
}

export function createSignIn(deps: { dataSource: DataSource; auth: AuthConfig; accounts: Accounts; sessions: SessionStore; audit: AuditLog; now: () => Date }) {
  const { dataSource: ds, auth, accounts, sessions, audit, now } = deps;
  const repo = () => ds.getRepository(AccountEntity);
  const lockMs = auth.lockout.minutes * 60_000;
  const throttle = new FailureThrottle({ burst: auth.throttle.burst, perMinute: auth.throttle.perMinute, now: () => now().getTime() });
  const nameLockouts = new NameLockouts({ threshold: auth.lockout.threshold, lockMs, now });
  const lockedMessage = `too many wrong passwords: the account is locked for up to ${auth.lockout.minutes} minutes`;

  const log = (origin: Origin, action: string, actor: string | null, outcome: 'success' | 'failure' | 'refused', detail: Record<string, unknown> | null, role: string | null = null) =>
    audit.record({ actor, actorRole: role, ...origin, action, target: actor ? `user:${actor}` : null, outcome, detail });

  function throttled(origin: Origin): void {
    const key = origin.ip ?? 'unknown';
    const wait = throttle.retryAfter(key);
    if (wait > 0) throw new DomainError('auth.rate_limited', `too many failed sign-ins from this address: try again in ${wait} s`, { retryAfter: wait });
  }

  /**
   * A wrong password for a real account: count it and audit it in one transaction (as many
   * commits as an unknown name costs, so the two take the same time), lock at the threshold.
   * True when this one locked it.
   */
  async function countFailure(account: AccountRow, origin: Origin, action: string): Promise<boolean> {
    throttle.fail(origin.ip ?? 'unknown');
    return ds.transaction(async (tx) => {
      const r = tx.getRepository(AccountEntity);
      await r.createQueryBuilder().update().set({ failedCount: () => 'failed_count + 1' }).where('username = :u', { u: account.username }).execute();
      const { failedCount } = await r.findOneOrFail({ where: { username: account.username }, select: { username: true, failedCount: true } });
      await audit.record({ actor: account.username, actorRole: account.role, ...origin, action, target: `user:${account.username}`, outcome: 'failure', detail: { reason: 'wrong_password' } }, tx);
      if (failedCount < auth.lockout.threshold) return false;
      const until = new Date(now().getTime() + lockMs);
      await r.update({ username: account.username }, { failedCount: 0, lockedUntil: until });
      await sessions.revokeAll(account.username, 'lockout', tx);
      await audit.record({ actor: account.username, actorRole: account.role, ...origin, action: 'auth.lockout', target: `user:${account.username}`, outcome: 'success', detail: { until: until.toISOString(), failures: failedCount } }, tx);
      return true;
    });
  }

  const expired = (account: AccountRow) => auth.password.expiryDays > 0 && now().getTime() - account.passwordChangedAt.getTime() > auth.password.expiryDays * 86_400_000;

  return {
    async signIn(request: SignInRequest): Promise<SignInResult> {
      const { origin } = request;
      throttled(origin);
      const username = normalizeUsername(request.username);
      const password = normalizePassword(request.password);
      // A name with a lone surrogate names no account (none can be created: usernameProblem), and
      // the database would look up its U+FFFD-replaced twin instead: it is a wrong name, not a query.
      const account = username.isWellFormed() ? await repo().findOne({ where: { username } }) : null;

      if (!account || account.disabled) {
        // The same work as a real check, then the same answer as a wrong password.
        await verifyPassword(account?.passwordHash ?? (await dummyHash()), password);
        throttle.fail(origin.ip ?? 'unknown');
        // counted and audited in one transaction, like a real account's wrong password
        const lockout = await ds.transaction(async (tx) => {
          const result = await nameLockouts.fail(tx, username);
          await audit.record({
            actor: account ? account.username : null, actorRole: null, ...origin, action: 'auth.login', target: account ? `user:${account.username}` : null, outcome: 'failure',
            detail: { reason: account ? 'disabled' : 'unknown_user', username: username.slice(0, 64).toWellFormed(), ...(result === 'counted' ? {} : { locked: true }) },
          }, tx);
          return result;
        });
        if (lockout !== 'counted') throw new DomainError('auth.locked', lockedMessage);
        throw new DomainError('auth.invalid_credentials', 'wrong username or password');
      }

      if (account.lockedUntil && account.lockedUntil.getTime() > now().getTime()) {
        await verifyPassword(await dummyHash(), password);
        throttle.fail(origin.ip ?? 'unknown');
        await log(origin, 'auth.login', account.username, 'refused', { reason: 'locked' }, account.role);
        throw new DomainError('auth.locked', lockedMessage);
      }

      if (!(await verifyPassword(account.passwordHash, password))) {
        const locked = await countFailure(account, origin, 'auth.login');
        if (locked) throw new DomainError('auth.locked', lockedMessage);
        throw new DomainError('auth.invalid_credentials', 'wrong username or password');
      }

      // The password is right: now the device.
      const deviceId = normalizeDeviceId(request.deviceId);
      if (request.deviceId && !deviceId) throw new DomainError('request.invalid', 'the device id must be an IMSI, IMEI, ESN or MEID (8–16 hex digits)', { field: 'deviceId' });
      let boundNow = false;
      if (account.boundDeviceId) {
        if (!sameDevice(account.boundDeviceId, deviceId)) {
          await log(origin, 'auth.login', account.username, 'refused', { reason: 'device_mismatch', deviceId }, account.role);
          throw new DomainError('auth.device_mismatch', 'this account is bound to another device: ask an administrator to re-bind it');
        }
      } else if (account.requireDeviceBinding) {
        if (!deviceId) {
          await log(origin, 'auth.login', account.username, 'refused', { reason: 'device_required' }, account.role);
          throw new DomainError('auth.device_required', 'this account must be bound to a device: sign in from the managed client');
        }
        boundNow = true;
      }

      const passwordExpired = expired(account);
      const mustChangePassword = account.mustChangePassword || passwordExpired;
      const issued = await ds.transaction(async (tx) => {
        const changes: Partial<AccountRow> = { failedCount: 0, lockedUntil: null };
        if (boundNow) changes.boundDeviceId = deviceId;
        await tx.getRepository(AccountEntity).update({ username: account.username }, changes);
        if (boundNow) await audit.record({ actor: account.username, actorRole: account.role, ...origin, action: 'device.bind', target: `user:${account.username}`, outcome: 'success', detail: { to: deviceId, firstLogin: true } }, tx);
        const session = await sessions.create({ ...account, mustChangePassword, deviceId }, request.kind, origin, tx);
        await audit.record({ actor: account.username, actorRole: account.role, ...origin, action: 'auth.login', target: `user:${account.username}`, outcome: 'success', detail: { kind: request.kind, session: session.session.id, deviceId, mustChangePassword, passwordExpired } }, tx);
        return session;
      });
      return { ...issued, passwordExpired };
    },

    /** The signed-in user changes their password (also from a change-password-only session). */
    async changePassword(principal: Principal, currentPassword: string, newPassword: string, kind: SessionKind, origin: Origin): Promise<IssuedSession> {
      throttled(origin);
      const account = await accounts.load(principal.username);
      if (account.lockedUntil && account.lockedUntil.getTime() > now().getTime()) throw new DomainError('auth.locked', lockedMessage);
      if (!(await verifyPassword(account.passwordHash, normalizePassword(currentPassword)))) {
        const locked = await countFailure(account, origin, 'password.change');
        if (locked) throw new DomainError('auth.locked', lockedMessage);
        throw new DomainError('auth.invalid_credentials', 'the current password is wrong', {
          field: 'currentPassword', errors: [{ field: 'currentPassword', message: 'is wrong', messageZh: '当前密码不正确' }], detailZh: '当前密码不正确',
        });
      }
      await accounts.replacePassword(account, newPassword, { principal, origin });
      return sessions.create({ ...account, mustChangePassword: false, deviceId: account.boundDeviceId }, kind, origin);
    },

    async refresh(refreshToken: string, origin: Origin): Promise<IssuedSession> {
      const result = await sessions.refresh(refreshToken);
      if (result.reused) {
        await log(origin, 'auth.refresh_reuse', result.reused.username, 'refused', { session: result.reused.id }, result.reused.role);
        throw new DomainError('auth.required', 'this refresh token was used before: the session is ended, sign in again', { reason: 'refresh_reuse' });
      }
      return result.issued!;
    },

    async signOut(principal: Principal, sessionId: string, origin: Origin): Promise<void> {
      await ds.transaction(async (tx) => {
        await sessions.revoke(sessionId, 'logout', tx);
        await audit.record({ actor: principal.username, actorRole: principal.role, ...origin, action: 'auth.logout', target: `user:${principal.username}`, outcome: 'success', detail: { session: sessionId } }, tx);
      });
    },
  };
}

export type SignIn = ReturnType<typeof createSignIn>;
