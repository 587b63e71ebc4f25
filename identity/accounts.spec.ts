/** Account rules over HTTP: expiry and forced change, password policy on change, device binding, admin API, usernames. */
import { expect } from 'chai';
import { startTestApp, seedUsers, type TestApp, type TestClient } from './test-support.js';

const good = 'Lantern42river';
const phone = '860012345678901';

describe('identity: accounts, policy and devices (over HTTP)', function () {
  this.timeout(60_000);
  let app: TestApp;
  let admin: TestClient;

  before(async () => {
    app = await startTestApp();
    await seedUsers(app, [{ username: 'admin1', password: good, role: 'admin' }, { username: 'expiring', password: good, mobile: '13912345678' }]);
    admin = app.client();
    await admin.login('admin1', good);
  });
  after(() => app.close());

  it('after 90 days gives a session that may only change the password; the change restores full access', async () => {
    app.advance(91 * 86_400_000);
    try {
      const c = app.client();
      const login = await c.login('expiring', good);
      expect(login.status).to.equal(200);
      expect(login.body).to.include({ mustChangePassword: true, passwordExpired: true });
      const blocked = await c.get('/probe/me');
      expect(blocked.status).to.equal(403);
      expect(blocked.body.code).to.equal('auth.password_expired');
      expect((await c.get('/auth/me')).status, 'who am I is allowed').to.equal(200);
      const weak = await c.post('/auth/password', { currentPassword: good, newPassword: good });
      expect(weak.status, 'the same password again').to.equal(422);
      const changed = await c.post('/auth/password', { currentPassword: good, newPassword: 'Harbour77light' });
      expect(changed.status).to.equal(200);
      expect(changed.body.mustChangePassword).to.equal(false);
      const old = c.bearer;
      c.bearer = changed.body.accessToken as string;
      expect((await c.get('/probe/me')).status).to.equal(200);
      expect((await c.get('/probe/me', { authorization: `Bearer ${old}` })).status, 'the old session ended').to.equal(401);
    } finally {
      app.advance(-91 * 86_400_000);
    }
  });

  it('checks a new password against the policy: length, letters and digits, username, mobile, common list, history', async () => {
    const c = app.client();
    await c.login('expiring', 'Harbour77light');
    const refused = async (newPassword: string, fragment: RegExp) => {
      const reply = await c.post('/auth/password', { currentPassword: 'Harbour77light', newPassword });
      expect(reply.status, newPassword).to.equal(422);
      expect(reply.body.code).to.equal('password.policy');
      expect(reply.body.field).to.equal('newPassword');
      expect(reply.body.detail, newPassword).to.match(fragment);
    };
    await refused('Abc12', /at least 8/);
    await refused(`Aa1${'x'.repeat(30)}`, /at most 32/);
    await refused('onlyletters', /letters and digits/);
    await refused('1234567890', /letters and digits/);
    await refused('Expiring2030', /username/);
    await refused('ab13912345678', /mobile/);
    await refused('Password123', /too common/);
    await refused('QWERTY123', /too common/);
    await refused('woaini1314', /too common/);
    await refused('Harbour77light', /last 5/);
    await refused('Lantern42river', /last 5/);
    // 8 and 32 characters are the edges that pass; wrong current password is 401, not a policy error.
    const wrongCurrent = await c.post('/auth/password', { currentPassword: 'Not-it-123', newPassword: 'Meadow55stone' });
    expect(wrongCurrent.status).to.equal(401);
    await app.identity.accounts.unlock('expiring', { principal: null, origin: { ip: null, userAgent: null } });
    const eight = await c.post('/auth/password', { currentPassword: 'Harbour77light', newPassword: 'Rk7mWq2z' });
    expect(eight.status, '8 characters').to.equal(200);
    c.bearer = eight.body.accessToken as string;
    const thirtyTwo = await c.post('/auth/password', { currentPassword: 'Rk7mWq2z', newPassword: `Zq9${'mountainriver'.repeat(2)}abc` });
    expect(thirtyTwo.status, '32 characters').to.equal(200);
  });

  it('lets an admin create an account with a generated temporary password that must be changed at first sign-in', async () => {
    const created = await admin.post('/users', { username: 'Chen.Jing', displayName: '陈静', mobile: '139 0000 7777', role: 'unit-lead', unitId: 'U-JD-02' });
    expect(created.status).to.equal(201);
    const temporary = created.body.temporaryPassword as string;
    expect(temporary).to.match(/^(?=.*[A-Za-z])(?=.*\d).{12}$/);
    expect(created.body.user).to.deep.include({ username: 'chen.jing', role: 'unit-lead', unitId: 'U-JD-02', mustChangePassword: true, mobile: '13900007777' });
    const c = app.client();
    const login = await c.login('chen.jing', temporary);
    expect(login.body.mustChangePassword).to.equal(true);
    expect((await c.get('/probe/me')).status).to.equal(403);
    expect((await admin.post('/users', { username: 'CHEN.JING', displayName: 'x', mobile: '13900007778', role: 'dispatcher' })).status, 'case-insensitively taken').to.equal(409);
    expect((await admin.post('/users', { username: 'newofficer', displayName: 'x', mobile: '13900007779', role: 'officer' })).body.field, 'an officer needs a unit').to.equal('unitId');
    const weak = await admin.post('/users', { username: 'weakone', displayName: 'x', mobile: '13900007780', role: 'dispatcher', password: 'password1' });
    expect(weak.status).to.equal(422);
    const listed = await admin.get('/users?role=unit-lead');
    expect((listed.body.users as { username: string }[]).map((u) => u.username)).to.include('chen.jing');
  });

  it('refuses usernames with look-alike letters, spaces, invisible characters or too long, with a clear message', async () => {
    const bad: [string, RegExp][] = [
      ['p\u0430ypal', /look-alike/], // Cyrillic а
      ['zhang san', /spaces/],
      ['zhang\u200bsan', /invisible/],
      ['a'.repeat(40), /3–32/],
      ['张三abc', /Chinese characters/],
      ['-lead', /starting and ending/],
    ];
    for (const [username, message] of bad) {
      const reply = await admin.post('/users', { username, displayName: 'x', mobile: '13900008888', role: 'dispatcher' });
      expect(reply.status, username).to.equal(400);
      expect(reply.body.field).to.equal('username');
      expect(reply.body.detail, username).to.match(message);
    }
    const han = await admin.post('/users', { username: '张三', displayName: '张三', mobile: '13900008889', role: 'dispatcher' });
    expect(han.status, 'a Chinese name').to.equal(201);
    const fullwidth = await admin.post('/users', { username: 'ｄｅｓｋ０１', displayName: '坐席', mobile: '13900008890', role: 'dispatcher' });
    expect((fullwidth.body.user as { username: string }).username, 'full-width folded').to.equal('desk01');
  });

  it('resets a password: unlocks, ends the sessions, and forces a change', async () => {
    await admin.post('/users', { username: 'resetme', displayName: 'x', mobile: '13900009999', role: 'dispatcher', password: 'Orchard31plum' });
    const c = app.client();
    await c.login('resetme', 'Orchard31plum');
    await c.post('/auth/password', { currentPassword: 'Orchard31plum', newPassword: 'Granite64cloud' }).then((r) => { c.bearer = r.body.accessToken as string; });
    for (let i = 0; i < 5; i += 1) await app.client().login('resetme', `Wrong-${i}-pass`);
    const reset = await admin.post('/users/resetme/password-reset', { password: 'Temporary88bridge' });
    expect(reset.status).to.equal(200);
    expect(reset.body.user).to.deep.include({ locked: false, mustChangePassword: true });
    expect((await c.get('/probe/me')).status, 'sessions ended').to.equal(401);
    const login = await app.client().login('resetme', 'Temporary88bridge');
    expect(login.status).to.equal(200);
    expect(login.body.mustChangePassword).to.equal(true);
  });

  describe('device binding', () => {
    before(async () => {
      await admin.post('/users', { username: 'fieldone', displayName: '外勤', mobile: '13900005555', role: 'inspector', password: 'Compass45north', requireDeviceBinding: true });
      await admin.post('/users', { username: 'fieldtwo', displayName: '外勤二', mobile: '13900005556', role: 'inspector', password: 'Compass45north', deviceId: '86-0012-3456-7890-1' });
      await app.identity.accounts.resetPassword('fieldone', 'Compass45north', { principal: null, origin: { ip: null, userAgent: null } });
      await app.db.dataSource.query('UPDATE identity_account SET must_change_password = ? WHERE username IN (?, ?)', [false, 'fieldone', 'fieldtwo']);
    });

    it('binds on first sign-in when the account requires it, then refuses another device (and records it)', async () => {
      const noDevice = await app.client().login('fieldone', 'Compass45north');
      expect(noDevice.status).to.equal(403);
      expect(noDevice.body.code).to.equal('auth.device_required');
      expect((await app.client().login('fieldone', 'Compass45north', { deviceId: phone })).status).to.equal(200);
      const other = await app.client('10.2.0.1').login('fieldone', 'Compass45north', { deviceId: '460001234567890' });
      expect(other.status).to.equal(403);
      expect(other.body.code).to.equal('auth.device_mismatch');
      expect((await app.client().login('fieldone', 'Compass45north', { deviceId: `${phone.slice(0, 3)}-${phone.slice(3)}` })).status, 'separators ignored').to.equal(200);
      const audit = await app.audit.search({ actor: 'fieldone', action: 'auth.login', outcome: 'refused' });
      expect(audit.entries.map((e) => e.detail?.reason)).to.include.members(['device_required', 'device_mismatch']);
      expect(audit.entries.find((e) => e.detail?.reason === 'device_mismatch')!.ip).to.equal('10.2.0.1');
      expect((await app.audit.search({ actor: 'fieldone', action: 'device.bind' })).entries[0].detail).to.deep.include({ to: phone, firstLogin: true });
    });

    it('refuses a bound account from another device or with none; an admin re-bind ends the old sessions', async () => {
      expect((await app.client().login('fieldtwo', 'Compass45north')).body.code).to.equal('auth.device_mismatch');
      const c = app.client();
      expect((await c.login('fieldtwo', 'Compass45north', { deviceId: phone })).status).to.equal(200);
      const rebind = await admin.request('PUT', '/users/fieldtwo/device', { deviceId: '460001234567890' });
      expect(rebind.status).to.equal(200);
      expect(rebind.body.boundDeviceId).to.equal('460001234567890');
      expect((await c.get('/probe/me')).status, 'session from the old phone').to.equal(401);
      expect((await app.client().login('fieldtwo', 'Compass45north', { deviceId: phone })).body.code).to.equal('auth.device_mismatch');
      expect((await app.client().login('fieldtwo', 'Compass45north', { deviceId: '460001234567890' })).status).to.equal(200);
      const unbound = await admin.request('DELETE', '/users/fieldtwo/device');
      expect(unbound.body.boundDeviceId).to.equal(null);
      expect((await app.client().login('fieldtwo', 'Compass45north')).status, 'unbound, binding not required').to.equal(200);
      const trail = await admin.get('/audit?target=user:fieldtwo&action=device.');
      expect((trail.body.entries as { action: string }[]).map((e) => e.action)).to.deep.equal(['device.unbind', 'device.bind']);
    });
  });

  it('records admin actions in the audit log with who and from where, and the chain verifies', async () => {
    const page = await admin.get('/audit?actor=admin1&action=user.*&limit=3');
    expect(page.status).to.equal(200);
    const entries = page.body.entries as { actor: string; ip: string; action: string; seq: number }[];
    expect(entries).to.have.length(3);
    expect(entries[0].seq).to.be.above(entries[1].seq);
    expect(entries.every((e) => e.actor === 'admin1' && e.ip === '127.0.0.1' && e.action.startsWith('user.'))).to.equal(true);
    const next = await admin.get(`/audit?actor=admin1&action=user.*&limit=3&before=${page.body.nextBefore}`);
    expect((next.body.entries as { seq: number }[])[0].seq).to.be.below(entries[2].seq);
    const verified = await admin.get('/audit/verify');
    expect(verified.body).to.include({ ok: true });
  });
});
