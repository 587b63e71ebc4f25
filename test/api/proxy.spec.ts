/**
 * Behind a reverse proxy (TRUST_PROXY=1) the client's address is the one the proxy appended to
 * X-Forwarded-For, and what the client wrote there itself is not believed; without the setting
 * the header is ignored. The address is what the audit log records and sign-in throttling keys on.
 */
import fs from 'node:fs';
import os from 'node:os';
import { expect } from 'chai';
import type { Connection } from 'mysql2/promise';
import { demoPassword } from '../../api/src/demo.js';
import { connectToServer, testServerUrl } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';

let admin: Connection | null = null;
async function mysqlAdmin(): Promise<Connection> {
  admin ??= await connectToServer(testServerUrl() as string);
  return admin;
}

async function signInFrom(server: TestServer, forwardedFor: string, password = demoPassword, username = 'dispatcher1'): Promise<number> {
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor }, body: JSON.stringify({ username, password }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function lastLoginIp(server: TestServer): Promise<string | null> {
  const admin = await server.signIn('admin');
  const audit = await admin.get('/api/audit?action=auth.login&actor=dispatcher1');
  expect(audit.status, JSON.stringify(audit.body)).to.equal(200);
  return (audit.body.entries as { ip: string | null }[])[0]?.ip ?? null;
}

describe('API: the client address behind a reverse proxy (TRUST_PROXY)', function () {
  this.timeout(60_000);
  let direct: TestServer | undefined;
  let proxied: TestServer | undefined;
  after(async () => {
    await direct?.close();
    await proxied?.close();
    await admin?.end();
  });

  it('ignores X-Forwarded-For by default', async () => {
    direct = await startTestServer();
    expect(await signInFrom(direct, '203.0.113.7')).to.equal(200);
    expect(await lastLoginIp(direct)).to.match(/^(::ffff:)?127\.0\.0\.1$/);
  });

  it('with one proxy, takes the address the proxy appended and not what the client claimed', async () => {
    proxied = await startTestServer({ TRUST_PROXY: '1' });
    expect(await signInFrom(proxied, '198.51.100.9, 203.0.113.7')).to.equal(200);
    expect(await lastLoginIp(proxied)).to.equal('203.0.113.7');
    // sign-in throttling is per client, not per proxy: another client's failures do not lock this one out
    for (let i = 0; i < 12; i++) await signInFrom(proxied, '203.0.113.99', 'Wrong-password-1', 'nobody');
    expect(await signInFrom(proxied, '203.0.113.99', 'Wrong-password-1', 'nobody'), 'the failing client is throttled').to.equal(429);
    expect(await signInFrom(proxied, '203.0.113.7'), 'another client behind the same proxy is not').to.equal(200);
  });

  it('refuses a TRUST_PROXY that is not a small number, and leaves nothing behind', async () => {
    const folders = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('paidan-api-')).sort();
    const databases = async () => (testServerUrl() ? ((await (await mysqlAdmin()).query('SHOW DATABASES LIKE \'paidan\\_test\\_%\'')) as unknown as [Record<string, string>[]])[0].map((r) => Object.values(r)[0]).sort() : []);
    const before = { folders: folders(), databases: await databases() };
    const refused = await startTestServer({ TRUST_PROXY: 'yes' }).then(
      async (server) => {
        await server.close();
        return null;
      },
      (error: Error) => error,
    );
    expect(refused?.message).to.match(/TRUST_PROXY must be an integer from 0 to 10/);
    expect({ folders: folders(), databases: await databases() }, 'no test database or data folder left').to.deep.equal(before);
  });
});
