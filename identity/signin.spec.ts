/** Sign-in over HTTP: lockout, throttle, expiry, device binding, bad input, timing. */
import { expect } from 'chai';
import { startTestApp, seedUsers, type TestApp } from './test-support.js';

const good = 'Lantern42river';

describe('identity: sign-in (built-in accounts, over HTTP)', function () {
  this.timeout(60_000);
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
    await seedUsers(app, [
      { username: 'zhangsan', password: good },
      { username: 'lisi', password: good },
      { username: 'wangwu', password: good },
      { username: 'admin1', password: good, role: 'admin' },
      { username: 'zhaoliu', password: good },
    ]);
  });
  after(() => app.close());

  it('signs in with the right password and answers who is signed in', async () => {
    const c = app.client();
    const reply = await c.login('zhangsan', good);
    expect(reply.status).to.equal(200);
    expect(reply.body).to.include({ tokenType: 'Bearer', mustChangePassword: false, expiresIn: 900 });
    expect(reply.body.refreshToken).to.be.a('string');
    const me = await c.get('/auth/me');
    expect(me.status).to.equal(200);
    expect(me.body.user).to.deep.include({ username: 'zhangsan', role: 'officer', unitId: 'U-1' });
  });

  it('gives one answer for a wrong password and for a name that does not exist', async () => {
    const c = app.client('10.1.0.1');
    const wrongPassword = await c.login('lisi', 'Wrong-password-1');
    const noUser = await c.login('nosuchuser', 'Wrong-password-1');
    expect(wrongPassword.status).to.equal(401);
    expect(noUser.status).to.equal(401);
    expect(wrongPassword.body.code).to.equal('auth.invalid_credentials');
    expect(noUser.body.code).to.equal('auth.invalid_credentials');
    expect(wrongPassword.body.detail).to.equal(noUser.body.detail);
    expect(wrongPassword.body.title).to.equal(noUser.body.title);
    await app.identity.accounts.unlock('lisi', { principal: null, origin: { ip: null, userAgent: null } });
  });

  it('locks the account after 5 wrong passwords: the right one then fails until the lock runs out or an admin lifts it', async () => {
    const c = app.client('10.1.0.2');
    for (let i = 1; i <= 4; i += 1) expect((await c.login('wangwu', `Wrong-${i}-pass`)).body.code).to.equal('auth.invalid_credentials');
    const fifth = await c.login('wangwu', 'Wrong-5-pass');
    expect(fifth.status).to.equal(423);
    expect(fifth.body.code).to.equal('auth.locked');
    const sixth = await c.login('wangwu', 'Wrong-6-pass');
    expect(sixth.status).to.equal(423);
    const right = await c.login('wangwu', good);
    expect(right.status, 'the right password while locked').to.equal(423);

    app.advance(14 * 60_000);
    expect((await c.login('wangwu', good)).status, 'still locked after 14 minutes').to.equal(423);
    app.advance(2 * 60_000);
    expect((await c.login('wangwu', good)).status, 'unlocked after 15 minutes').to.equal(200);

    // Lock again, then an admin lifts it.
    for (let i = 1; i <= 5; i += 1) await c.login('wangwu', `Wrong-${i}-again`);
    expect((await c.login('wangwu', good)).status).to.equal(423);
    const admin = app.client('10.1.0.3');
    await admin.login('admin1', good);
    expect((await admin.post('/users/wangwu/unlock')).status).to.equal(200);
    expect((await c.login('wangwu', good)).status).to.equal(200);

    const audit = await app.audit.search({ actor: 'wangwu', action: 'auth.lockout' });
    expect(audit.entries.length).to.equal(2);
  });

  it('locks a name that does not exist after as many failures, so lockout does not reveal which accounts exist', async () => {
    const c = app.client('10.1.0.4');
    const codes: string[] = [];
    for (let i = 1; i <= 6; i += 1) codes.push((await c.login('ghost-user', `Wrong-${i}-pass`)).body.code as string);
    expect(codes).to.deep.equal(['auth.invalid_credentials', 'auth.invalid_credentials', 'auth.invalid_credentials', 'auth.invalid_credentials', 'auth.locked', 'auth.locked']);
  });

  it('locks a disabled account after as many failures too, like a name that does not exist', async () => {
    await seedUsers(app, [{ username: 'retired1', password: good }]);
    await app.identity.accounts.setDisabled('retired1', true, { principal: null, origin: { ip: null, userAgent: null } });
    const c = app.client('10.1.0.5');
    const codes: string[] = [];
    for (let i = 1; i <= 6; i += 1) codes.push((await c.login('retired1', i === 6 ? good : `Wrong-${i}-pass`)).body.code as string);
    expect(codes).to.deep.equal(['auth.invalid_credentials', 'auth.invalid_credentials', 'auth.invalid_credentials', 'auth.invalid_credentials', 'auth.locked', 'auth.locked']);
  });

  it('throttles one address spraying passwords across many accounts (429 with Retry-After), without locking the accounts', async () => {
    const narrow = await startTestApp({ throttle: { burst: 10, perMinute: 5 } });
    try {
      const names = Array.from({ length: 12 }, (_, i) => `spray${i}`);
      await seedUsers(narrow, names.map((username) => ({ username, password: good })));
      const attacker = narrow.client('10.9.9.9');
      const statuses: number[] = [];
      for (const name of names) statuses.push((await attacker.login(name, 'Password123x')).status);
      expect(statuses.slice(0, 10)).to.deep.equal(Array(10).fill(401));
      expect(statuses.slice(10)).to.deep.equal([429, 429]);
      const limited = await attacker.login('spray0', good);
      expect(limited.status, 'even the right password from the throttled address').to.equal(429);
      expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 60);
      // Another address is not affected, and no account was locked by the spray.
      expect((await narrow.client('10.9.9.10').login('spray11', good)).status).to.equal(200);
      narrow.advance(60_000);
      expect((await attacker.login('spray0', good)).status, 'the bucket refills').to.equal(200);
    } finally {
      await narrow.close();
    }
  });

  it('refuses empty, blank and oversize fields with the failing field named', async () => {
    const c = app.client('10.1.0.5');
    const cases: [Record<string, unknown>, string][] = [
      [{ username: '', password: good }, 'username'],
      [{ username: '   ', password: good }, 'username'],
      [{ username: 'zhangsan', password: '' }, 'password'],
      [{ username: 'zhangsan', password: ' \t ' }, 'password'],
      [{ username: 'z'.repeat(65), password: good }, 'username'],
      [{ username: 'zhangsan', password: 'x'.repeat(257) }, 'password'],
      [{ username: 'zhangsan' }, 'password'],
      [{ username: 'zhangsan', password: good, deviceId: 'not a device!' }, 'deviceId'],
    ];
    for (const [body, field] of cases) {
      const reply = await c.post('/auth/login', body);
      expect(reply.status, JSON.stringify(body).slice(0, 60)).to.equal(400);
      expect(reply.body.field).to.equal(field);
    }
    const notJson = await fetch(`${app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=zhangsan&password=x' });
    expect(notJson.status).to.equal(415);
  });

  it('folds full-width and upper-case names to the same account (NFKC, case-insensitive), and no look-alike name matches', async () => {
    const c = app.client('10.1.0.6');
    expect((await c.login('ＺＨＡＮＧＳＡＮ', good)).status).to.equal(200);
    expect((await c.login('ZhangSan', good)).status).to.equal(200);
    // Cyrillic а (U+0430) in place of Latin a.
    expect((await c.login('zh\u0430ngsan', good)).status).to.equal(401);
  });

  it('takes about the same time for "no such user" and "wrong password"', async () => {
    const c = app.client('10.1.0.7');
    const time = async (username: string) => {
      const start = process.hrtime.bigint();
      await c.login(username, 'Not-the-password-9');
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 24; i += 1) {
      // Alternate, and keep zhaoliu below the lockout threshold.
      unknown.push(await time(`nobody${i}`));
      wrong.push(await time('zhaoliu'));
      if (i % 3 === 2) await app.identity.accounts.unlock('zhaoliu', { principal: null, origin: { ip: null, userAgent: null } });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const [mu, mw] = [median(unknown), median(wrong)];
    // Both are dominated by one argon2id verification; allow a generous 35 % (or 8 ms) for noise.
    expect(Math.abs(mu - mw), `medians ${mu.toFixed(1)} ms (unknown) vs ${mw.toFixed(1)} ms (wrong password)`).to.be.below(Math.max(8, 0.35 * Math.max(mu, mw)));
    expect(Math.min(mu, mw)).to.be.above(5);
  });
});
