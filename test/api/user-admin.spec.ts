/**
 * The users page's API end to end on the whole platform: an admin creates accounts (a taken
 * name 409, bad fields refused with Chinese messages), resets a password, changes a role,
 * disables and enables, unbinds a device and unlocks — each ending the sessions it must and
 * each in the audit log; a new or reset account must change its password before anything else;
 * an officer account made here is in its unit's officer directory and the 指派 form's choices.
 */
import { expect } from 'chai';
import { createFormOptions } from '../../api/src/form-options.js';
import type { TaskRow } from '../../tasks/entities.js';
import { ApiClient, startTestServer, type TestServer } from '../support/server.js';

interface Problem { status: number; code: string; field?: string; detail?: string; errors?: { field: string; message: string }[] }

describe('user administration over HTTP (create, reset, role, disable, must-change, audit)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let admin: ApiClient;
  const strong = 'Granite64cloud';

  before(async () => {
    server = await startTestServer();
    admin = await server.signIn('admin');
  });
  after(async () => server?.close());

  const signInAs = async (username: string, password: string) => server.anonymous().post('/api/auth/login', { username, password });
  const bearer = (token: string) => new ApiClient(server.url, token);
  const officerChoices = async (unitId: string) => {
    const options = createFormOptions({ people: server.identity.accounts as never, units: server.platform.units });
    const { officerOptions } = await options({ formId: 'assign-officer' } as TaskRow, { unitId });
    return officerOptions.map((o) => o.value);
  };
  const auditOf = async (target: string) => ((await admin.get(`/api/audit?target=${encodeURIComponent(`user:${target}`)}&limit=100`)).body.entries as { action: string; actor: string; outcome: string }[]);

  it('creates an officer with a generated temporary password, shown once, who is in the unit\'s officer directory and the 指派 choices', async () => {
    expect(await officerChoices('U-JD-01')).to.not.include('gaofei');
    const created = await admin.post('/api/users', { username: 'GaoFei', displayName: '高飞', mobile: '139-0000-7001', role: 'officer', unitId: 'U-JD-01' });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.user).to.include({ username: 'gaofei', displayName: '高飞', mobile: '13900007001', role: 'officer', unitId: 'U-JD-01', mustChangePassword: true, disabled: false });
    expect(created.body.temporaryPassword).to.be.a('string').with.length.of.at.least(12);
    expect((await admin.get('/api/users/gaofei')).body).to.not.have.property('temporaryPassword');

    const officers = (await admin.get('/api/officers?unitId=U-JD-01')).body as { username: string; displayName: string; phone: string; active: boolean }[];
    expect(officers.find((o) => o.username === 'gaofei')).to.include({ displayName: '高飞', phone: '13900007001', active: true });
    expect(await officerChoices('U-JD-01')).to.include('gaofei');
    // a duty roster entry can name the new officer
    expect((await admin.post('/api/rosters', { entries: [{ username: 'gaofei', date: '2030-01-07', onDuty: false }] })).status).to.equal(200);

    const lead = await admin.post('/api/users', { username: 'tangyu', displayName: '唐雨', mobile: '13900007002', role: 'unit-lead', unitId: 'U-JD-02', password: 'Harbor52lantern' });
    expect(lead.status).to.equal(201);
    expect(lead.body).to.not.have.property('temporaryPassword');
    expect((await admin.get('/api/unit-leads?unitId=U-JD-02')).body.map((l: { username: string }) => l.username)).to.include('tangyu');
    expect((await auditOf('gaofei')).map((e) => e.action)).to.include('user.create');
  });

  it('refuses a taken username with 409 and bad fields with Chinese messages on the field', async () => {
    const taken = await admin.post('/api/users', { username: 'ＧＡＯＦＥＩ', displayName: '高飞', mobile: '13900007009', role: 'dispatcher' });
    expect(taken.status).to.equal(409);
    expect(taken.body).to.include({ code: 'user.exists', field: 'username' });
    expect(taken.body.errors[0].message).to.match(/已被使用/);

    const shape = await admin.post<Problem>('/api/users', { username: 'x1', displayName: '', mobile: 'abc', role: 'boss' });
    expect(shape.status).to.equal(400);
    const byField = Object.fromEntries((shape.body.errors ?? []).map((e) => [e.field, e.message]));
    expect(byField).to.include({ displayName: '必填', mobile: '格式不正确', role: '不是可选的值' });

    const noUnit = await admin.post<Problem>('/api/users', { username: 'nounit', displayName: '无单位', mobile: '13900007010', role: 'officer' });
    expect(noUnit.status).to.equal(400);
    expect(noUnit.body).to.include({ field: 'unitId' });
    expect(noUnit.body.errors![0].message).to.equal('单位负责人和执法队员须选择所属单位');
    const badUnit = await admin.post<Problem>('/api/users', { username: 'badunit', displayName: '错单位', mobile: '13900007011', role: 'officer', unitId: 'U-NONE' });
    expect(badUnit.body.errors![0]).to.deep.equal({ field: 'unitId', message: '没有这个单位（U-NONE）' });

    const badName = await admin.post<Problem>('/api/users', { username: '-lead', displayName: '名字', mobile: '13900007012', role: 'dispatcher' });
    expect(badName.status).to.equal(400);
    expect(badName.body.errors![0].message).to.match(/字母或数字开头和结尾/);
    expect(badName.body.detail).to.match(/^用户名：/);

    const weak = await admin.post<Problem>('/api/users', { username: 'weakpw', displayName: '弱密码', mobile: '13900007013', role: 'dispatcher', password: 'abc' });
    expect(weak.status).to.equal(422);
    expect(weak.body).to.include({ code: 'password.policy', field: 'password' });
    expect(weak.body.errors!.map((e) => e.message)).to.include.members(['至少 8 个字符', '须同时包含字母和数字']);
    const english = await admin.request<Problem>('POST', '/api/users', { username: 'weakpw', displayName: '弱密码', mobile: '13900007013', role: 'dispatcher', password: 'abc' }, { 'accept-language': 'en' });
    expect(english.body.errors!.map((e) => e.message)).to.include('must be at least 8 characters');
    expect((await admin.get('/api/users?q=weakpw')).body.total).to.equal(0);
  });

  it('makes a new account change its temporary password before anything else, then it works', async () => {
    const created = await admin.post('/api/users', { username: 'newdesk', displayName: '新坐席', mobile: '13900007020', role: 'dispatcher' });
    const temporary = created.body.temporaryPassword as string;
    const first = await signInAs('newdesk', temporary);
    expect(first.status).to.equal(200);
    expect(first.body).to.include({ mustChangePassword: true });
    expect(first.body.user).to.include({ mustChangePassword: true });
    const restricted = bearer(first.body.accessToken);
    const blocked = await restricted.get('/api/tasks?view=todo');
    expect(blocked.status).to.equal(403);
    expect(blocked.body.code).to.equal('auth.password_expired');
    expect((await restricted.get('/api/auth/me')).status).to.equal(200);

    const wrong = await restricted.post<Problem>('/api/auth/password', { currentPassword: 'Wrong-0-pass', newPassword: strong });
    expect(wrong.status).to.equal(401);
    expect(wrong.body.errors![0]).to.deep.equal({ field: 'currentPassword', message: '当前密码不正确' });
    const same = await restricted.post<Problem>('/api/auth/password', { currentPassword: temporary, newPassword: temporary });
    expect(same.status).to.equal(422);
    expect(same.body.errors![0].message).to.match(/不能与最近 5 次用过的密码相同/);
    const weak = await restricted.post<Problem>('/api/auth/password', { currentPassword: temporary, newPassword: 'newdesk2026' });
    expect(weak.status).to.equal(422);
    expect(weak.body).to.include({ field: 'newPassword' });
    expect(weak.body.errors![0].message).to.equal('不能包含用户名');

    const changed = await restricted.post('/api/auth/password', { currentPassword: temporary, newPassword: strong });
    expect(changed.status).to.equal(200);
    expect(changed.body.mustChangePassword).to.equal(false);
    expect((await restricted.get('/api/auth/me')).status, 'the restricted session ended').to.equal(401);
    expect((await bearer(changed.body.accessToken).get('/api/tasks?view=todo')).status).to.equal(200);
    const again = await signInAs('newdesk', strong);
    expect(again.body.mustChangePassword).to.equal(false);
    expect((await auditOf('newdesk')).map((e) => e.action)).to.include.members(['user.create', 'auth.login', 'password.change']);
  });

  it('resets a password: the temporary one is shown once, the sessions end, and a change is forced', async () => {
    const session = bearer((await signInAs('newdesk', strong)).body.accessToken);
    expect((await session.get('/api/auth/me')).status).to.equal(200);
    const reset = await admin.post('/api/users/newdesk/password-reset', {});
    expect(reset.status).to.equal(200);
    expect(reset.body.user).to.include({ mustChangePassword: true });
    const temporary = reset.body.temporaryPassword as string;
    expect(temporary).to.be.a('string');
    expect((await session.get('/api/auth/me')).status).to.equal(401);
    expect((await signInAs('newdesk', strong)).status).to.equal(401);
    const next = await signInAs('newdesk', temporary);
    expect(next.body.mustChangePassword).to.equal(true);
    expect((await bearer(next.body.accessToken).get('/api/cases')).body.code).to.equal('auth.password_expired');
    const recent = await bearer(next.body.accessToken).post<Problem>('/api/auth/password', { currentPassword: temporary, newPassword: strong });
    expect(recent.status, 'an earlier password').to.equal(422);
    expect((await bearer(next.body.accessToken).post('/api/auth/password', { currentPassword: temporary, newPassword: 'Meadow73river' })).status).to.equal(200);
    expect((await auditOf('newdesk')).filter((e) => e.action === 'user.password_reset')).to.have.length(1);
  });

  it("changes a role and unit: the sessions end, and the officer directory and leads follow", async () => {
    const created = await admin.post('/api/users', { username: 'qianfeng', displayName: '钱峰', mobile: '13900007030', role: 'officer', unitId: 'U-JD-01', password: 'Willow39stone' });
    expect(created.status).to.equal(201);
    const session = bearer((await signInAs('qianfeng', 'Willow39stone')).body.accessToken);
    expect((await session.get('/api/auth/me')).status).to.equal(200);

    const moved = await admin.request('PUT', '/api/users/qianfeng/role', { role: 'officer', unitId: 'U-JD-02' });
    expect(moved.status).to.equal(200);
    expect((await session.get('/api/auth/me')).status, 'the role change ended the session').to.equal(401);
    expect(await officerChoices('U-JD-02')).to.include('qianfeng');
    expect(await officerChoices('U-JD-01')).to.not.include('qianfeng');

    const lead = await admin.request('PUT', '/api/users/qianfeng/role', { role: 'unit-lead', unitId: 'U-JD-02' });
    expect(lead.body).to.include({ role: 'unit-lead', unitId: 'U-JD-02' });
    expect(await officerChoices('U-JD-02')).to.not.include('qianfeng');
    expect(((await admin.get('/api/officers?unitId=U-JD-02')).body as { username: string; active: boolean }[]).find((o) => o.username === 'qianfeng')?.active).to.equal(false);
    expect((await admin.get('/api/unit-leads?unitId=U-JD-02')).body.map((l: { username: string }) => l.username)).to.include('qianfeng');
    await admin.request('PUT', '/api/users/qianfeng/role', { role: 'inspector', unitId: null });
    expect((await admin.get('/api/unit-leads?unitId=U-JD-02')).body.map((l: { username: string }) => l.username)).to.not.include('qianfeng');

    const refused = await admin.request<Problem>('PUT', '/api/users/qianfeng/role', { role: 'unit-lead', unitId: null });
    expect(refused.status).to.equal(400);
    expect(refused.body.errors![0].field).to.equal('unitId');
    const self = await admin.request<Problem>('PUT', '/api/users/admin/role', { role: 'dispatcher', unitId: null });
    expect(self.status).to.equal(409);
    expect(self.body.detail).to.equal('不能取消自己的管理员角色');
    expect((await auditOf('qianfeng')).filter((e) => e.action === 'user.role')).to.have.length(3);
  });

  it('disables an account: its sessions end, sign-in is refused, it leaves the officer choices; enabling brings it back', async () => {
    const temporary = (await admin.post('/api/users/gaofei/password-reset', { password: 'Copper47maple' })).body;
    expect(temporary).to.not.have.property('temporaryPassword');
    const session = bearer((await signInAs('gaofei', 'Copper47maple')).body.accessToken);
    expect((await session.get('/api/auth/me')).status).to.equal(200);

    const disabled = await admin.post('/api/users/gaofei/disable');
    expect(disabled.body).to.include({ disabled: true });
    expect((await session.get('/api/auth/me')).status).to.equal(401);
    const refused = await signInAs('gaofei', 'Copper47maple');
    expect(refused.status).to.equal(401);
    expect(refused.body.code).to.equal('auth.invalid_credentials');
    expect(await officerChoices('U-JD-01')).to.not.include('gaofei');
    expect((await admin.post<Problem>('/api/users/admin/disable')).body.detail).to.equal('不能停用自己的账号');

    expect((await admin.post('/api/users/gaofei/enable')).body).to.include({ disabled: false });
    expect((await signInAs('gaofei', 'Copper47maple')).status).to.equal(200);
    expect(await officerChoices('U-JD-01')).to.include('gaofei');
  });

  it('unbinds a device and unlocks, each audited; every admin action on an account is in the log with its actor', async () => {
    expect((await admin.request('PUT', '/api/users/gaofei/device', { deviceId: '460001234567890' })).body).to.include({ boundDeviceId: '460001234567890' });
    expect((await admin.request('DELETE', '/api/users/gaofei/device')).body).to.include({ boundDeviceId: null });
    for (let i = 0; i < 5; i += 1) await signInAs('gaofei', `Wrong-${i}-pass`);
    expect((await admin.get('/api/users/gaofei')).body.locked).to.equal(true);
    expect((await admin.post('/api/users/gaofei/unlock')).body.locked).to.equal(false);
    expect((await signInAs('gaofei', 'Copper47maple')).status).to.equal(200);

    const entries = await auditOf('gaofei');
    const byAdmin = new Set(entries.filter((e) => e.actor === 'admin' && e.outcome === 'success').map((e) => e.action));
    for (const action of ['user.create', 'user.password_reset', 'user.disable', 'user.enable', 'device.bind', 'device.unbind', 'user.unlock']) expect(byAdmin, action).to.include(action);
    expect(entries.map((e) => e.action)).to.include('auth.lockout');
    expect((await admin.get('/api/audit/verify')).body).to.include({ ok: true });
  });

  it('answers 403 to anyone but an admin on every user route', async () => {
    const lead = await server.signIn('wangqiang');
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/users'], ['GET', '/api/users/gaofei'], ['POST', '/api/users', { username: 'sneaky', displayName: '潜入', mobile: '13900007099', role: 'admin' }],
      ['POST', '/api/users/gaofei/disable', {}], ['POST', '/api/users/gaofei/enable', {}], ['POST', '/api/users/gaofei/unlock', {}],
      ['POST', '/api/users/gaofei/password-reset', {}], ['PUT', '/api/users/gaofei/role', { role: 'admin', unitId: null }],
      ['PUT', '/api/users/gaofei/device', { deviceId: null }], ['DELETE', '/api/users/gaofei/device'],
    ];
    for (const [method, url, body] of calls) {
      const reply = await lead.request(method, url, body);
      expect(reply.status, `${method} ${url}`).to.equal(403);
    }
    expect((await admin.get('/api/users?q=sneaky')).body.total).to.equal(0);
    expect((await admin.get('/api/users/gaofei')).body).to.include({ role: 'officer', disabled: false });
  });
});
