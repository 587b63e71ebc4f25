/**
 * The users page in Chromium: an admin creates an officer on a desktop (a taken name refused
 * beside the field), reads the temporary password once; the new officer signs in, can do
 * nothing but change the password (a weak one refused in Chinese beside the field), then sees
 * 待办; the officer is in the unit's officer list; the admin disables them through an in-page
 * dialog, which ends their session; the audit page names each action in Chinese.
 */
import { expect } from 'chai';
import { browserSuite, desktop, phone, shot } from './browser.js';

describe('browser: user administration and the forced password change', function () {
  this.timeout(240_000);
  const suite = browserSuite();

  it('creates an officer who must change the password, then works; disabling ends the session; the audit log speaks Chinese', async () => {
    const { page: admin } = await suite.signIn('admin', desktop);
    await admin.getByRole('link', { name: '用户', exact: true }).click();
    await admin.locator('tr[data-user="zhangwei"]').waitFor();
    expect(await admin.locator('tr[data-user="zhangwei"] td[data-role]').textContent()).to.equal('执法队员');
    expect(await admin.locator('tr[data-user="zhangwei"] td[data-field="unit"]').textContent()).to.equal('城东街道执法中队');

    await admin.getByRole('button', { name: '新建用户' }).click();
    const create = admin.locator('dialog[data-dialog="create-user"]');
    await create.getByLabel('用户名').fill('zhangwei');
    await create.getByLabel('姓名').fill('杨帆');
    await create.getByLabel('手机号码').fill('13900008801');
    await create.getByLabel('角色', { exact: true }).selectOption('officer');
    await create.getByLabel('单位', { exact: true }).selectOption('U-JD-01');
    await create.getByRole('button', { name: '保存' }).click();
    await create.locator('[data-error-for="username"]', { hasText: '已被使用' }).waitFor();
    await create.getByLabel('用户名').fill('yangfan');
    await create.getByRole('button', { name: '保存' }).click();
    const shown = admin.locator('dialog[data-dialog="temporary-password"]');
    const temporary = (await shown.locator('[data-temporary-password]').textContent())!.trim();
    expect(temporary).to.have.length.of.at.least(12);
    expect(await shown.textContent()).to.include('只显示这一次');
    await shot(admin, 'web-30-admin-user-created');
    await shown.getByRole('button', { name: '关闭' }).click();
    await admin.locator('tr[data-user="yangfan"] [data-field="status"]', { hasText: '须改密码' }).waitFor();

    // the new officer on a phone: the change-password screen, and nothing else, until it is changed
    const context = await suite.browser.newContext({ ...phone, baseURL: suite.server.url });
    const officer = await context.newPage();
    await officer.goto('/login');
    await officer.getByLabel('用户名').fill('yangfan');
    await officer.getByLabel('密码').fill(temporary);
    await officer.getByRole('button', { name: '登录' }).click();
    await officer.locator('[data-must-change]').waitFor();
    expect(await officer.getByRole('link', { name: '待办' }).count()).to.equal(0);
    await officer.goto('/laws');
    await officer.locator('form[data-form="change-password"]').waitFor();
    const change = officer.locator('form[data-form="change-password"]');
    await change.getByLabel('当前密码').fill(temporary);
    await change.getByLabel('新密码', { exact: true }).fill('yangfan2026');
    await change.getByLabel('再次输入新密码').fill('yangfan2026');
    await change.getByRole('button', { name: '修改密码' }).click();
    await change.locator('[data-error-for="newPassword"]', { hasText: '不能包含用户名' }).waitFor();
    await shot(officer, 'web-31-change-password-refused');
    await change.getByLabel('新密码', { exact: true }).fill('Lantern58harbor');
    await change.getByLabel('再次输入新密码').fill('Lantern58harbor');
    await change.getByRole('button', { name: '修改密码' }).click();
    await officer.locator('nav.tabs a', { hasText: '待办' }).waitFor();
    expect(await officer.locator('[data-flash]').textContent()).to.include('密码已修改');
    await shot(officer, 'web-32-officer-todo');

    // the unit's officer list knows the new officer by name
    await admin.getByRole('link', { name: '单位', exact: true }).click();
    await admin.locator('tr[data-unit="U-JD-01"]').getByRole('button', { name: /执法队员/ }).click();
    expect(await admin.locator('[data-unit-detail="U-JD-01"] tr[data-officer="yangfan"] th').textContent()).to.include('杨帆');
    expect(await admin.locator('[data-unit-detail="U-JD-01"] [data-lead="wangqiang"]').textContent()).to.include('王强');

    // disabling: an in-page dialog, then the officer's next request finds the session ended
    await admin.getByRole('link', { name: '用户', exact: true }).click();
    await admin.locator('tr[data-user="yangfan"]').getByRole('button', { name: '停用' }).click();
    const confirm = admin.locator('dialog[data-dialog="confirm-disable"]');
    expect(await confirm.textContent()).to.include('登录会话立即结束');
    await confirm.getByRole('button', { name: '停用' }).click();
    await admin.locator('tr[data-user="yangfan"] [data-field="status"]', { hasText: '已停用' }).waitFor();
    await officer.goto('/');
    await officer.getByRole('button', { name: '登录' }).waitFor();
    await officer.getByLabel('用户名').fill('yangfan');
    await officer.getByLabel('密码').fill('Lantern58harbor');
    await officer.getByRole('button', { name: '登录' }).click();
    await officer.locator('p.error[role="alert"]', { hasText: '用户名或密码错误' }).waitFor();
    await context.close();

    // the audit log names the actions in Chinese, not by their codes
    await admin.getByRole('link', { name: '审计日志' }).click();
    const filter = admin.locator('form[data-form="audit-filter"]');
    await filter.getByLabel('操作', { exact: true }).selectOption('user.*');
    await filter.getByRole('button', { name: '筛选' }).click();
    await admin.locator('tr[data-action="user.disable"] [data-field="action"]', { hasText: '停用用户' }).waitFor();
    const actions = await admin.locator('[data-list="audit"] [data-field="action"]').allTextContents();
    expect(actions).to.include.members(['新建用户', '停用用户']);
    expect(await admin.locator('tr[data-action="user.create"] [data-field="target"]').first().textContent()).to.equal('用户 yangfan');
    expect(await admin.locator('[data-list="audit"] tbody').innerText()).to.not.match(/\buser\.[a-z_]+/);
    await filter.getByLabel('操作', { exact: true }).selectOption('');
    await filter.getByLabel('操作人').fill('yangfan');
    await filter.getByRole('button', { name: '筛选' }).click();
    await admin.locator('tr[data-action="password.change"] [data-field="action"]', { hasText: '修改密码' }).waitFor();
    expect(await admin.locator('tr[data-action="auth.login"] [data-field="action"]').first().textContent()).to.equal('登录');
    await shot(admin, 'web-33-admin-audit-users');
  });
});
