/** Sessions over HTTP: forged and stale tokens, logout, refresh rotation and reuse, cookies and CSRF. */
import { expect } from 'chai';
import { SignJWT, decodeJwt } from 'jose';
import { openDatabase } from '../storage/data-source.js';
import { RefreshTokenEntity, SessionEntity } from './entities.js';
import { scheduleSessionPurge } from './session-purge.js';
import { startTestApp, seedUsers, testSecret, type TestApp } from './test-support.js';

const good = 'Lantern42river';
const key = new TextEncoder().encode(testSecret);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('identity: sessions and tokens (over HTTP)', function () {
  this.timeout(60_000);
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
    await seedUsers(app, [
      { username: 'officer1', password: good },
      { username: 'officer2', password: good },
      { username: 'admin1', password: good, role: 'admin' },
      { username: 'officer3', password: good },
      { username: 'officer4', password: good },
      { username: 'officer5', password: good },
      { username: 'officer6', password: good },
    ]);
  });
  after(() => app.close());

  it('refuses access tokens with alg none, a wrong signature, a wrong issuer or audience, expired, or a tampered role claim', async () => {
    const c = app.client();
    const login = await c.login('officer1', good);
    const token = login.body.accessToken as string;
    const claims = decodeJwt(token);
    const [header, , signature] = token.split('.');
    const refuse = async (bad: string, what: string) => {
      const reply = await c.get('/probe/me', { authorization: `Bearer ${bad}` });
      expect(reply.status, what).to.equal(401);
      expect(reply.body.code, what).to.equal('auth.required');
    };
    await refuse(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, 'alg none');
    await refuse(`${header}.${b64({ ...claims, role: 'admin' })}.${signature}`, 'role claim changed to admin');
    await refuse(await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('another-secret-another-secret-1234')), 'signed with another key');
    await refuse(await new SignJWT({ ...claims, iss: 'https://evil.example' }).setProtectedHeader({ alg: 'HS256' }).sign(key), 'wrong issuer');
    await refuse(await new SignJWT({ ...claims, aud: 'other-api' }).setProtectedHeader({ alg: 'HS256' }).sign(key), 'wrong audience');
    await refuse(await new SignJWT({ ...claims, iat: claims.iat! - 3600, exp: claims.iat! - 60 }).setProtectedHeader({ alg: 'HS256' }).sign(key), 'expired');
    await refuse(await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS512' }).sign(key), 'HS512 (algorithm not pinned)');
    await refuse('not.a.jwt', 'garbage');
    // Even correctly signed with the server key, a role claim does not raise the session's role.
    const escalated = await new SignJWT({ ...claims, role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    const reply = await c.get('/probe/admin', { authorization: `Bearer ${escalated}` });
    expect(reply.status, 'role comes from the session, not the claim').to.equal(403);
    expect((await c.get('/probe/me')).status, 'the real token still works').to.equal(200);
  });

  it('remembers a verified token only until it expires (the 5-second clock tolerance included)', async () => {
    const c = app.client();
    const claims = decodeJwt((await c.login('officer2', good)).body.accessToken as string);
    const now = Math.floor(Date.now() / 1000);
    // expired 3 s ago: still inside the tolerance, so accepted and remembered …
    const ending = await new SignJWT({ ...claims, exp: now - 3 }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    expect((await c.get('/probe/me', { authorization: `Bearer ${ending}` })).status).to.equal(200);
    expect((await c.get('/probe/me', { authorization: `Bearer ${ending}` })).status).to.equal(200);
    // … but not past the tolerance: the remembered verdict does not outlive the token
    await new Promise((resolve) => setTimeout(resolve, 2_600));
    const reply = await c.get('/probe/me', { authorization: `Bearer ${ending}` });
    expect(reply.status).to.equal(401);
    expect(reply.body.reason ?? reply.body.detail).to.match(/expired/);
  });

  it('answers 401 without credentials and 403 when an officer calls an admin endpoint', async () => {
    expect((await app.client().get('/probe/me')).status).to.equal(401);
    const c = app.client();
    await c.login('officer1', good);
    const reply = await c.get('/users');
    expect(reply.status).to.equal(403);
    expect(reply.body.code).to.equal('auth.forbidden');
    expect((await c.post('/users/officer2/disable')).status).to.equal(403);
    expect((await c.get('/audit')).status).to.equal(403);
  });

  it('ends the session at logout: the access token and the refresh token stop working', async () => {
    const c = app.client();
    const login = await c.login('officer1', good);
    const token = c.bearer!;
    expect((await c.post('/auth/logout')).status).to.equal(204);
    expect((await c.get('/probe/me', { authorization: `Bearer ${token}` })).status).to.equal(401);
    expect((await c.post('/auth/refresh', { refreshToken: login.body.refreshToken })).status).to.equal(401);
    const entries = await app.audit.search({ actor: 'officer1', action: 'auth.logout' });
    expect(entries.entries.length).to.be.at.least(1);
  });

  it('rotates refresh tokens; presenting a used one again ends the whole session', async () => {
    const c = app.client();
    const login = await c.login('officer2', good);
    const first = login.body.refreshToken as string;
    const refreshed = await c.post('/auth/refresh', { refreshToken: first });
    expect(refreshed.status).to.equal(200);
    const second = refreshed.body.refreshToken as string;
    expect(second).to.not.equal(first);
    const access = refreshed.body.accessToken as string;
    expect((await c.get('/probe/me', { authorization: `Bearer ${access}` })).status).to.equal(200);
    // A thief replays the first token: refused, and the session (and the legitimate tokens) end.
    const replay = await c.post('/auth/refresh', { refreshToken: first });
    expect(replay.status).to.equal(401);
    expect(replay.body.reason).to.equal('refresh_reuse');
    expect((await c.post('/auth/refresh', { refreshToken: second })).status).to.equal(401);
    expect((await c.get('/probe/me', { authorization: `Bearer ${access}` })).status).to.equal(401);
    expect((await app.audit.search({ action: 'auth.refresh_reuse' })).entries[0].actor).to.equal('officer2');
    expect((await c.post('/auth/refresh', { refreshToken: 'x'.repeat(43) })).status, 'unknown token').to.equal(401);
  });

  it('uses an HttpOnly SameSite=Strict cookie for web pages, and needs the CSRF token for cookie writes', async () => {
    const c = app.client();
    const response = await fetch(`${app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'officer1', password: good, session: 'cookie' }) });
    const setCookies = response.headers.getSetCookie();
    const session = setCookies.find((s) => s.startsWith('paidan_session='))!;
    expect(session).to.match(/httponly/i).and.match(/samesite=strict/i).and.match(/path=\//i);
    expect(setCookies.find((s) => s.startsWith('paidan_csrf='))).to.not.match(/httponly/i);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).to.not.have.property('accessToken');
    expect(body).to.not.have.property('refreshToken');

    const login = await c.login('officer1', good, { session: 'cookie' });
    const csrf = login.body.csrfToken as string;
    c.csrf = null;
    expect((await c.get('/probe/me')).status, 'reads need no CSRF token').to.equal(200);
    const noToken = await c.post('/probe/write', {});
    expect(noToken.status).to.equal(403);
    expect(noToken.body.code).to.equal('auth.csrf');
    expect((await c.post('/probe/write', {}, { 'x-csrf-token': 'forged' })).status).to.equal(403);
    // The CSRF token of another session does not fit this one.
    const other = app.client();
    const otherCsrf = (await other.login('officer2', good, { session: 'cookie' })).body.csrfToken as string;
    expect((await c.post('/probe/write', {}, { 'x-csrf-token': otherCsrf })).status).to.equal(403);
    expect((await c.post('/probe/write', {}, { 'x-csrf-token': csrf })).status).to.equal(200);
    expect((await c.get('/auth/me')).body.csrfToken, 'a reloaded page gets its token back').to.equal(csrf);
    // Logout is a write too, then the cookie is gone and useless.
    const cookie = c.cookies.get('paidan_session')!;
    expect((await c.post('/auth/logout', {}, { 'x-csrf-token': csrf })).status).to.equal(204);
    expect(c.cookies.has('paidan_session')).to.equal(false);
    const reuse = await fetch(`${app.url}/api/probe/me`, { headers: { cookie: `paidan_session=${cookie}` } });
    expect(reuse.status, 'the old cookie after logout').to.equal(401);
  });

  it('ends sessions when an admin disables the account or changes its role', async () => {
    const admin = app.client();
    await admin.login('admin1', good);
    const user = app.client();
    await user.login('officer2', good);
    expect((await admin.request('PUT', '/users/officer2/role', { role: 'inspector', unitId: null })).status).to.equal(200);
    expect((await user.get('/probe/me')).status, 'session after a role change').to.equal(401);
    const again = await user.login('officer2', good);
    expect((again.body.user as Record<string, unknown>).role).to.equal('inspector');
    expect((await admin.post('/users/officer2/disable')).status).to.equal(200);
    expect((await user.get('/probe/me')).status, 'session after disable').to.equal(401);
    expect((await user.login('officer2', good)).body.code, 'a disabled account answers like a wrong password').to.equal('auth.invalid_credentials');
    expect((await admin.post('/users/officer2/enable')).status).to.equal(200);
    expect((await user.login('officer2', good)).status).to.equal(200);
  });
  it('reuses a session between requests, yet ends it at once when another process revokes it, and at its expiry', async () => {
    const c = app.client();
    expect((await c.login('officer3', good)).status).to.equal(200);
    expect((await c.get('/probe/me')).status).to.equal(200);
    expect((await c.get('/probe/me')).status).to.equal(200);
    // revoked by a write this process did not make (another replica, an operator's SQL)
    const other = await openDatabase({ url: app.db.url });
    try {
      await other.getRepository(SessionEntity).update({ username: 'officer3' }, { revokedAt: new Date(), revokeReason: 'logout' });
    } finally {
      await other.destroy();
    }
    expect((await c.get('/probe/me')).status, 'revoked elsewhere').to.equal(401);

    // a cookie session (no token expiry of its own) used a moment ago ends when its time is up
    const d = app.client();
    expect((await d.login('officer4', good, { session: 'cookie' })).status).to.equal(200);
    expect((await d.get('/probe/me')).status).to.equal(200);
    app.advance(app.auth.sessionHours * 3_600_000 + 1_000);
    try {
      expect((await d.get('/probe/me')).status, 'expired, nothing written since').to.equal(401);
    } finally {
      app.advance(-(app.auth.sessionHours * 3_600_000 + 1_000));
    }
  });
  it('purges sessions a day after they ended, with their refresh tokens, and keeps live ones', async () => {
    const ended = app.client();
    expect((await ended.login('officer5', good)).status).to.equal(200);
    expect((await ended.post('/auth/logout')).status).to.equal(204);
    const live = app.client();
    expect((await live.login('officer6', good)).status).to.equal(200);
    const sessions = app.db.dataSource.getRepository(SessionEntity);
    const [gone] = await sessions.find({ where: { username: 'officer5' } });
    const [kept] = await sessions.find({ where: { username: 'officer6' } });
    expect(await app.db.dataSource.getRepository(RefreshTokenEntity).countBy({ sessionId: gone.id })).to.be.above(0);

    // the same day: nothing goes
    const purge = scheduleSessionPurge(app.identity.sessions, { everyMs: 60_000, now: () => new Date(Date.now() + 3_600_000) });
    await purge.runNow();
    expect(await sessions.countBy({ id: gone.id })).to.equal(1);
    await purge.stop();
    // 25 hours later: the session signed out a day ago and its tokens go; the live one, which
    // expires 12 hours after sign-in, has ended only 13 hours before and stays
    const later = scheduleSessionPurge(app.identity.sessions, { everyMs: 60_000, now: () => new Date(Date.now() + 25 * 3_600_000) });
    await later.runNow();
    await later.stop();
    expect(await sessions.countBy({ id: gone.id })).to.equal(0);
    expect(await app.db.dataSource.getRepository(RefreshTokenEntity).countBy({ sessionId: gone.id })).to.equal(0);
    expect(await sessions.countBy({ id: kept.id })).to.equal(1);
  });
});
