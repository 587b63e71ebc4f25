/**
 * The OIDC token check without Keycloak: a local issuer (discovery document and JWKS served
 * over a real loopback socket, keys made with jose) signs tokens the way Keycloak does.
 * The same checks run against the real server in oidc.keycloak.spec.ts.
 */
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type JWTPayload } from 'jose';
import { startTestApp, type TestApp } from './test-support.js';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

describe('identity: OIDC bearer tokens (local issuer)', function () {
  this.timeout(30_000);
  let server: Server;
  let issuer: string;
  let keys: KeyPair;
  let app: TestApp;

  const sign = (claims: JWTPayload, options: { key?: KeyPair['privateKey']; alg?: string; kid?: string; iss?: string; aud?: string; exp?: number } = {}) =>
    new SignJWT({ typ: 'Bearer', realm_access: { roles: ['officer'] }, preferred_username: 'zhangwei', unit_id: 'U-1', ...claims })
      .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'k1', typ: 'JWT' })
      .setIssuer(options.iss ?? issuer)
      .setAudience(options.aud ?? 'paidan-api')
      .setSubject('3f2c')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 300)
      .sign(options.key ?? keys.privateKey);

  before(async () => {
    keys = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/realms/paidan/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/protocol/openid-connect/certs` }));
      else if (req.url === '/realms/paidan/protocol/openid-connect/certs') res.end(JSON.stringify({ keys: [jwk] }));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/paidan`;
    app = await startTestApp({ kind: 'oidc', oidc: { issuer, audience: 'paidan-api' } });
  });
  after(async () => {
    await app.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const call = (token: string, headers: Record<string, string> = {}) => app.client().get('/probe/me', { authorization: `Bearer ${token}`, ...headers });

  it('accepts a token of the realm and maps role, unit and name', async () => {
    const reply = await call(await sign({ name: '张伟', realm_access: { roles: ['offline_access', 'officer', 'inspector'] } }));
    expect(reply.status).to.equal(200);
    expect(reply.body).to.deep.include({ username: 'zhangwei', displayName: '张伟', role: 'inspector', unitId: 'U-1' });
  });

  it('refuses other issuers, audiences, keys and algorithms, expired tokens and ID tokens', async () => {
    const other = await generateKeyPair('RS256');
    const refused: [string, Promise<string>][] = [
      ['wrong issuer', sign({}, { iss: 'http://127.0.0.1:1/realms/other' })],
      ['wrong audience', sign({}, { aud: 'account' })],
      ['another key under the realm kid', sign({}, { key: other.privateKey })],
      ['expired', sign({}, { exp: Math.floor(Date.now() / 1000) - 120 })],
      ['an ID token', sign({ typ: 'ID' })],
      ['HS256 keyed with the public key', (async () => new SignJWT({ realm_access: { roles: ['admin'] }, preferred_username: 'x' }).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).setIssuer(issuer).setAudience('paidan-api').setSubject('x').setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(await exportSPKI(keys.publicKey))))()],
    ];
    for (const [what, token] of refused) {
      const reply = await call(await token);
      expect(reply.status, what).to.equal(401);
    }
    const [h, p, s] = (await sign({})).split('.');
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), realm_access: { roles: ['admin'] } })).toString('base64url');
    expect((await call(`${h}.${tampered}.${s}`)).status, 'role claim tampered').to.equal(401);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect((await call(none)).status, 'alg none').to.equal(401);
  });

  it('refuses a token with no platform role (403) and checks the bound device', async () => {
    expect((await call(await sign({ realm_access: { roles: ['offline_access'] } }))).status).to.equal(403);
    const bound = await sign({ device_id: '860012345678901' });
    expect((await call(bound)).body.code).to.equal('auth.device_mismatch');
    expect((await call(bound, { 'x-device-id': '460001234567890' })).status).to.equal(403);
    expect((await call(bound, { 'x-device-id': '860012345678901' })).status).to.equal(200);
  });
});
