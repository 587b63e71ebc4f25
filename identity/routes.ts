/**
 * The identity routes: sign-in, refresh, sign-out, who-am-I and change password for everyone;
 * user administration for admins (built-in accounts); the OIDC code-flow endpoints with
 * AUTH=oidc. Declared on the ApiRegistry like every other route (the audit log's search is
 * audit/routes.ts: `registerAuditRoutes`).
 */
import type { Context } from 'koa';
import { DomainError, isDomainError } from '../errors/index.js';
import { groupsFor, type Principal, type Role } from '../api/src/http/principal.js';
import type { ApiRegistry } from '../api/src/http/route.js';
import { requestOrigin } from '../audit/index.js';
import type { Identity } from './index.js';
import { requestSession } from './authenticate.js';
import type { IssuedSession } from './sessions.js';
import type { Actor } from './accounts.js';
import {
  changePasswordBody, createUserBody, deviceBody, listUsersQuery, loginBody, meSchema, oidcLoginQuery, policySchema, refreshBody,
  resetPasswordBody, roleBody, sessionSchema, userSchema, usernameParams, userWithPasswordSchema,
} from './schema.js';

const problem = (description: string) => ({ description, schema: { $ref: '#/components/schemas/Problem' }, contentType: 'application/problem+json' });
const tags = ['identity'];
const adminTags = ['users'];
const admin: Role[] = ['admin'];

function me(p: Principal) {
  return { username: p.username, displayName: p.displayName, role: p.role, unitId: p.unitId, groups: p.groups, mustChangePassword: p.mustChangePassword };
}

function actorOf(ctx: Context, principal: Principal): Actor {
  return { principal, origin: requestOrigin(ctx) };
}

export function registerIdentityRoutes(registry: ApiRegistry, deps: { identity: Identity }): void {
  const { identity } = deps;
  const { signIn, accounts } = identity;

  /** The body a sign-in, refresh or password change answers with (and the cookies for a cookie session). */
  function sessionBody(ctx: Context, issued: IssuedSession, passwordExpired = false) {
    const s = issued.session;
    const user = me({ username: s.username, displayName: s.displayName, role: s.role, unitId: s.unitId, groups: groupsFor(s.role, s.unitId), mustChangePassword: s.mustChangePassword });
    if (s.kind === 'cookie') {
      identity.setSessionCookies(ctx, issued);
      return { csrfToken: issued.csrfToken, mustChangePassword: s.mustChangePassword, passwordExpired, user };
    }
    return { tokenType: 'Bearer', accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresIn: issued.expiresIn, mustChangePassword: s.mustChangePassword, passwordExpired, user };
  }

  registry.add({
    method: 'get', path: '/auth/password-policy', summary: 'the password rules, for the sign-in and change-password pages', tags, access: 'public',
    responses: { 200: { description: 'the policy', schema: policySchema } },
    async handler(ctx) {
      const c = identity.config;
      ctx.body = { ...c.password, lockoutThreshold: c.lockout.threshold, lockoutMinutes: c.lockout.minutes };
    },
  });

  registry.add({
    method: 'get', path: '/auth/me', summary: 'who is signed in', tags,
    responses: { 200: { description: 'the signed-in user', schema: { type: 'object', properties: { user: meSchema, csrfToken: { type: 'string' } } } }, 401: problem('not signed in') },
    async handler(ctx, { principal }) {
      const session = requestSession(ctx);
      ctx.body = { user: me(principal), ...(session.kind === 'cookie' && session.id ? { csrfToken: identity.signer.csrfFor(session.id) } : {}) };
    },
  });

  registry.add({
    method: 'post', path: '/auth/logout', summary: 'sign out: ends this session (its access and refresh tokens, or its cookie)', tags,
    responses: { 204: { description: 'signed out' }, 401: problem('not signed in'), 403: problem('cookie session without the CSRF token') },
    async handler(ctx, { principal }) {
      const session = requestSession(ctx);
      if (session.id) await signIn.signOut(principal, session.id, requestOrigin(ctx));
      if (session.kind === 'cookie') identity.clearSessionCookies(ctx);
      ctx.status = 204;
    },
  });

  if (identity.kind === 'oidc') {
    const web = identity.oidcWeb!;
    registry.add({
      method: 'get', path: '/auth/oidc/login', summary: 'web sign-in through Keycloak (authorization code + PKCE)', tags, access: 'public', query: oidcLoginQuery,
      responses: { 302: { description: 'to the identity provider' } },
      async handler(ctx, { query }) {
        await web.start(ctx, (query as { returnTo?: string }).returnTo);
      },
    });
    registry.add({
      method: 'get', path: '/auth/oidc/callback', summary: 'where Keycloak returns the browser: opens the cookie session', tags, access: 'public',
      responses: { 200: { description: 'signed in; the page moves on to the application', contentType: 'text/html' }, 401: problem('the sign-in failed') },
      async handler(ctx) {
        await web.callback(ctx);
      },
    });
    return;
  }

  registry.add({
    method: 'post', path: '/auth/login', summary: 'sign in with username and password (and the device identity from a managed client)', tags, access: 'public', body: loginBody,
    responses: {
      200: { description: 'signed in (with mustChangePassword the session may only change the password)', schema: sessionSchema },
      400: problem('missing, empty or oversize fields'), 401: problem('wrong username or password'), 403: problem('device not allowed'),
      423: problem('locked after too many wrong passwords'), 429: problem('too many failures from this address'),
    },
    async handler(ctx, { body }) {
      const b = body as { username: string; password: string; deviceId?: string; session: 'token' | 'cookie' };
      try {
        const result = await signIn.signIn({ username: b.username, password: b.password, deviceId: b.deviceId ?? null, kind: b.session === 'cookie' ? 'cookie' : 'bearer', origin: requestOrigin(ctx) });
        ctx.body = sessionBody(ctx, result, result.passwordExpired);
      } catch (error) {
        if (isDomainError(error, 'auth.rate_limited')) ctx.set('Retry-After', String(error.extra.retryAfter ?? 60));
        throw error;
      }
    },
  });

  registry.add({
    method: 'post', path: '/auth/refresh', summary: 'a new access token for a refresh token (which is replaced: each is good once)', tags, access: 'public', body: refreshBody,
    responses: { 200: { description: 'new tokens', schema: sessionSchema }, 401: problem('unknown, expired, revoked or reused refresh token') },
    async handler(ctx, { body }) {
      const issued = await signIn.refresh((body as { refreshToken: string }).refreshToken, requestOrigin(ctx));
      ctx.body = sessionBody(ctx, issued);
    },
  });

  registry.add({
    method: 'post', path: '/auth/password', summary: 'change my password (ends every other session; answers with a new one)', tags, body: changePasswordBody,
    responses: { 200: { description: 'changed; a fresh session', schema: sessionSchema }, 401: problem('wrong current password'), 422: problem('the new password breaks the policy') },
    async handler(ctx, { body, principal }) {
      const b = body as { currentPassword: string; newPassword: string };
      const session = requestSession(ctx);
      if (session.kind === 'oidc-bearer') throw new DomainError('auth.forbidden', 'change the password at the identity provider');
      const issued = await signIn.changePassword(principal, b.currentPassword, b.newPassword, session.kind, requestOrigin(ctx));
      ctx.body = sessionBody(ctx, issued);
    },
  });

  registry.add({
    method: 'get', path: '/users', summary: 'list user accounts', tags: adminTags, access: admin, query: listUsersQuery,
    responses: { 200: { description: 'a page of users', schema: { type: 'object', properties: { total: { type: 'integer' }, users: { type: 'array', items: userSchema } } } }, 403: problem('admins only') },
    async handler(ctx, { query }) {
      ctx.body = await accounts.list(query as never);
    },
  });

  registry.add({
    method: 'post', path: '/users', summary: 'create a user account (the user must change the temporary password at first sign-in)', tags: adminTags, access: admin, body: createUserBody,
    responses: { 201: { description: 'created', schema: userWithPasswordSchema }, 400: problem('invalid fields'), 409: problem('username taken'), 422: problem('password breaks the policy') },
    async handler(ctx, { body, principal }) {
      const result = await accounts.create(body as never, actorOf(ctx, principal));
      ctx.status = 201;
      ctx.body = { user: result.account, ...(result.temporaryPassword ? { temporaryPassword: result.temporaryPassword } : {}) };
    },
  });

  registry.add({
    method: 'get', path: '/users/:username', summary: 'one user account', tags: adminTags, access: admin, params: usernameParams,
    responses: { 200: { description: 'the user', schema: userSchema }, 404: problem('no such user') },
    async handler(ctx, { params }) {
      ctx.body = accounts.present(await accounts.load((params as { username: string }).username));
    },
  });

  const simple = (path: string, summary: string, act: (username: string, actor: Actor) => Promise<unknown>) =>
    registry.add({
      method: 'post', path, summary, tags: adminTags, access: admin, params: usernameParams,
      responses: { 200: { description: 'the user after the change', schema: userSchema }, 404: problem('no such user'), 409: problem('not on yourself') },
      async handler(ctx, { params, principal }) {
        ctx.body = await act((params as { username: string }).username, actorOf(ctx, principal));
      },
    });
  simple('/users/:username/disable', 'disable an account (ends its sessions)', (u, a) => accounts.setDisabled(u, true, a));
  simple('/users/:username/enable', 'enable a disabled account', (u, a) => accounts.setDisabled(u, false, a));
  simple('/users/:username/unlock', 'lift a lockout before it runs out', (u, a) => accounts.unlock(u, a));

  registry.add({
    method: 'post', path: '/users/:username/password-reset', summary: 'set a temporary password (generated when omitted); forces a change at the next sign-in and ends the sessions', tags: adminTags, access: admin,
    params: usernameParams, body: resetPasswordBody,
    responses: { 200: { description: 'reset', schema: userWithPasswordSchema }, 404: problem('no such user'), 422: problem('password breaks the policy') },
    async handler(ctx, { params, body, principal }) {
      const result = await accounts.resetPassword((params as { username: string }).username, (body as { password?: string }).password, actorOf(ctx, principal));
      ctx.body = { user: result.account, ...(result.temporaryPassword ? { temporaryPassword: result.temporaryPassword } : {}) };
    },
  });

  registry.add({
    method: 'put', path: '/users/:username/device', summary: 'bind (or re-bind) the account to a device; `deviceId: null` unbinds', tags: adminTags, access: admin,
    params: usernameParams, body: deviceBody,
    responses: { 200: { description: 'the user after the change', schema: userSchema }, 404: problem('no such user') },
    async handler(ctx, { params, body, principal }) {
      const b = body as { deviceId: string | null; requireBinding?: boolean };
      ctx.body = await accounts.bindDevice((params as { username: string }).username, b.deviceId, b.requireBinding, actorOf(ctx, principal));
    },
  });

  registry.add({
    method: 'delete', path: '/users/:username/device', summary: 'unbind the device (with binding required, the next sign-in binds again)', tags: adminTags, access: admin, params: usernameParams,
    responses: { 200: { description: 'the user after the change', schema: userSchema }, 404: problem('no such user') },
    async handler(ctx, { params, principal }) {
      ctx.body = await accounts.bindDevice((params as { username: string }).username, null, undefined, actorOf(ctx, principal));
    },
  });

  registry.add({
    method: 'put', path: '/users/:username/role', summary: 'assign the role and unit (ends the sessions, so the change applies at once)', tags: adminTags, access: admin,
    params: usernameParams, body: roleBody,
    responses: { 200: { description: 'the user after the change', schema: userSchema }, 404: problem('no such user'), 409: problem('not your own admin role') },
    async handler(ctx, { params, body, principal }) {
      const b = body as { role: Role; unitId: string | null };
      ctx.body = await accounts.setRole((params as { username: string }).username, b.role, b.unitId, actorOf(ctx, principal));
    },
  });
}
