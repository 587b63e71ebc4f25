/**
 * AUTH=oidc against a real Keycloak (started by keycloak/server.sh; KEYCLOAK_URL names it).
 * Without KEYCLOAK_URL these tests are skipped on a developer's machine and FAIL under CI.
 */
import { expect } from 'chai';
import { generateKeyPair, SignJWT, decodeProtectedHeader, decodeJwt, exportSPKI, importJWK, type JWK } from 'jose';
import { createOidcVerifier } from './oidc.js';
import { startTestApp, type TestApp } from './test-support.js';

const keycloakUrl = process.env.KEYCLOAK_URL;
const issuer = `${keycloakUrl}/realms/paidan`;
const passwords = { zhangwei: 'Chengdong#Team2026', admin: 'Chengdong#Admin2026', wangqiang: 'Chengdong#Lead2026' };

async function tokenRequest(realm: string, form: Record<string, string>): Promise<{ status: number; body: Record<string, string> }> {
  const response = await fetch(`${keycloakUrl}/realms/${realm}/protocol/openid-connect/token`, { method: 'POST', body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

const directGrant = (username: string, password: string) => tokenRequest('paidan', { grant_type: 'password', client_id: 'paidan-ci', username, password, scope: 'openid' });

async function adminToken(): Promise<string> {
  const reply = await tokenRequest('master', { grant_type: 'password', client_id: 'admin-cli', username: process.env.KEYCLOAK_ADMIN_USER ?? '', password: process.env.KEYCLOAK_ADMIN_PASSWORD ?? '' });
  expect(reply.status, 'admin token (KEYCLOAK_ADMIN_USER / KEYCLOAK_ADMIN_PASSWORD)').to.equal(200);
  return reply.body.access_token;
}

async function adminApi(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown; location: string | null }> {
  const response = await fetch(`${keycloakUrl}/admin/realms/paidan${path}`, {
    method, headers: { authorization: `Bearer ${await adminToken()}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, location: response.headers.get('location') };
}

/** A fresh officer in the realm (so repeated runs and the MariaDB pass do not share lockout state). */
async function freshUser(password: string): Promise<{ username: string; id: string }> {
  const username = `ci-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
  const created = await adminApi('POST', '/users', {
    username, enabled: true, emailVerified: true, firstName: 'CI', lastName: 'User', email: `${username}@paidan.example`,
    attributes: { unit_id: ['U-JD-02'] }, credentials: [{ type: 'password', value: password, temporary: false }],
  });
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  const id = created.location!.split('/').pop()!;
  const role = await adminApi('GET', '/roles/officer');
  expect((await adminApi('POST', `/users/${id}/role-mappings/realm`, [role.body])).status).to.equal(204);
  return { username, id };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('identity: Keycloak over OIDC (real server)', function () {
  this.timeout(120_000);
  let app: TestApp;

  before(async function () {
    if (!keycloakUrl) {
      if (process.env.CI === 'true') throw new Error('CI=true but KEYCLOAK_URL is not set: .ci/run must start Keycloak (keycloak/server.sh start)');
      this.skip();
    }
    const discovery = await fetch(`${issuer}/.well-known/openid-configuration`).catch((error: unknown) => {
      throw new Error(`Keycloak at ${keycloakUrl} is unreachable: ${String(error)}`);
    });
    expect(discovery.status, `Keycloak realm paidan at ${keycloakUrl}`).to.equal(200);
    app = await startTestApp({ kind: 'oidc', oidc: { issuer, audience: 'paidan-api', clientId: 'paidan-web' } });
  });
  after(async () => {
    await app?.close();
  });

  it('signs in by direct grant and maps realm role, unit and device to the principal', async () => {
    const reply = await directGrant('zhangwei', passwords.zhangwei);
    expect(reply.status).to.equal(200);
    const identity = await createOidcVerifier({ issuer, audience: 'paidan-api' }).verify(reply.body.access_token);
    expect(identity.principal).to.deep.include({ username: 'zhangwei', role: 'officer', unitId: 'U-JD-01', displayName: '伟 张' });
    expect(identity.principal.groups).to.include.members(['officer', 'unit:U-JD-01']);
    expect(identity.deviceId).to.equal('860000000000001');
  });

  it('lets the API accept the token, enforce roles and the bound device', async () => {
    const officer = (await directGrant('zhangwei', passwords.zhangwei)).body.access_token;
    const lead = (await directGrant('wangqiang', passwords.wangqiang)).body.access_token;
    const admin = (await directGrant('admin', passwords.admin)).body.access_token;
    const c = app.client();
    const device = { 'x-device-id': '860000000000001' };
    expect((await c.get('/probe/me', { authorization: `Bearer ${officer}`, ...device })).body).to.deep.include({ username: 'zhangwei', role: 'officer', unitId: 'U-JD-01' });
    const otherPhone = await c.get('/probe/me', { authorization: `Bearer ${officer}`, 'x-device-id': '860000000000002' });
    expect(otherPhone.status).to.equal(403);
    expect(otherPhone.body.code).to.equal('auth.device_mismatch');
    expect((await c.get('/probe/admin', { authorization: `Bearer ${officer}`, ...device })).status, 'an officer calling an admin endpoint').to.equal(403);
    expect((await c.get('/probe/me', { authorization: `Bearer ${lead}` })).body).to.deep.include({ role: 'unit-lead', unitId: 'U-JD-01' });
    expect((await c.get('/probe/admin', { authorization: `Bearer ${admin}` })).status).to.equal(200);
  });

  it('refuses a token from another realm, a tampered role claim, a forged signature, alg none and HS256 with the public key', async () => {
    const c = app.client();
    const refuse = async (token: string, what: string) => {
      const reply = await c.get('/probe/me', { authorization: `Bearer ${token}` });
      expect(reply.status, what).to.equal(401);
      expect(reply.body.code, what).to.equal('auth.required');
    };
    const master = await tokenRequest('master', { grant_type: 'password', client_id: 'admin-cli', username: process.env.KEYCLOAK_ADMIN_USER ?? '', password: process.env.KEYCLOAK_ADMIN_PASSWORD ?? '' });
    await refuse(master.body.access_token, 'token of the master realm');

    const real = (await directGrant('zhangwei', passwords.zhangwei)).body.access_token;
    const [h, p, sig] = real.split('.');
    const claims = decodeJwt(real) as Record<string, unknown>;
    const tampered = Buffer.from(JSON.stringify({ ...claims, realm_access: { roles: ['admin'] } })).toString('base64url');
    await refuse(`${h}.${tampered}.${sig}`, 'role claim changed to admin');
    await refuse(`${h}.${p}.${Buffer.from('forged').toString('base64url')}`, 'signature replaced');

    const { kid } = decodeProtectedHeader(real);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ ...claims, realm_access: { roles: ['admin'] } }).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey);
    await refuse(forged, 'signed with another key under the realm key id');

    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    await refuse(none, 'alg none');

    const jwks = (await (await fetch(`${issuer}/protocol/openid-connect/certs`)).json()) as { keys: (JWK & { use?: string })[] };
    const signingKey = jwks.keys.find((k) => k.kid === kid)!;
    const pem = await exportSPKI((await importJWK(signingKey, 'RS256')) as Parameters<typeof exportSPKI>[0]);
    const confused = await new SignJWT({ ...claims, realm_access: { roles: ['admin'] } }).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode(pem));
    await refuse(confused, 'HS256 signed with the public key (algorithm confusion)');

    const id = (await directGrant('zhangwei', passwords.zhangwei)).body.id_token;
    await refuse(id, 'an ID token presented as an access token (audience paidan-web)');
  });

  it('enforces the realm password policy (length, digits, letters, common passwords)', async () => {
    const { id } = await freshUser('Wuxi#River2031');
    const reset = (value: string) => adminApi('PUT', `/users/${id}/reset-password`, { type: 'password', value, temporary: false });
    for (const weak of ['Short1a', 'NoDigitsAtAll', '1234567890123', 'password123', 'x'.repeat(30) + '123']) {
      expect((await reset(weak)).status, weak).to.equal(400);
    }
    expect((await reset('Suzhou#Canal2032')).status).to.equal(204);
  });

  it('locks an account after 5 wrong passwords (Keycloak brute-force detection): the right password then fails', async () => {
    const password = 'Hangzhou#Lake2033';
    const user = await freshUser(password);
    // Failures less than a second apart trip the quick-login check instead; space them out.
    for (let i = 0; i < 4; i += 1) {
      const wrong = await directGrant(user.username, `Wrong#Pass${i}x`);
      expect(wrong.body.error).to.equal('invalid_grant');
      await sleep(1100);
    }
    expect((await directGrant(user.username, password)).status, 'after 4 failures the right password still works').to.equal(200);
    for (let i = 0; i < 5; i += 1) {
      await directGrant(user.username, `Wrong#Pass${i}y`);
      await sleep(1100);
    }
    const locked = await directGrant(user.username, password);
    expect(locked.status, 'the right password after 5 failures').to.not.equal(200);
    expect(locked.body.error).to.equal('invalid_grant');
    const status = await adminApi('GET', `/attack-detection/brute-force/users/${user.id}`);
    expect(status.body).to.deep.include({ disabled: true });
  });

  it('signs a browser in by authorization code + PKCE and opens a cookie session', async () => {
    const jar = new Map<string, string>();
    const send = async (url: string, init: RequestInit = {}) => {
      const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const at = pair.indexOf('=');
        jar.set(pair.slice(0, at).trim(), pair.slice(at + 1));
      }
      return response;
    };
    const start = await send(`${app.url}/api/auth/oidc/login?returnTo=/tasks`);
    expect(start.status).to.equal(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(authorize.searchParams.get('client_id')).to.equal('paidan-web');
    const page = await send(authorize.href);
    expect(page.status).to.equal(200);
    const html = await page.text();
    const action = /<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"/.exec(html)?.[1].replaceAll('&amp;', '&');
    expect(action, 'Keycloak login form').to.be.a('string');
    const submitted = await send(action!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: 'wangqiang', password: passwords.wangqiang }).toString() });
    expect(submitted.status).to.equal(302);
    const back = new URL(submitted.headers.get('location')!);
    expect(back.origin + back.pathname).to.equal(`${app.url}/api/auth/oidc/callback`);
    const callback = await send(back.href);
    expect(callback.status).to.equal(200);
    expect(await callback.text()).to.include('url=/tasks');
    expect(jar.get('paidan_session')).to.be.a('string').and.not.equal('');
    const me = await send(`${app.url}/api/probe/me`);
    expect(me.status).to.equal(200);
    expect(await me.json()).to.deep.include({ username: 'wangqiang', role: 'unit-lead', unitId: 'U-JD-01' });
    const write = await send(`${app.url}/api/probe/write`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(write.status, 'a cookie write without the CSRF token').to.equal(403);
    const withCsrf = await send(`${app.url}/api/probe/write`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': jar.get('paidan_csrf')! }, body: '{}' });
    expect(withCsrf.status).to.equal(200);
    // Replaying the callback (same code) fails.
    expect((await fetch(back.href, { redirect: 'manual' })).status).to.equal(401);
  });
});
