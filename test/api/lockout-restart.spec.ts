/**
 * Sign-in lockout survives a restart alike for a real account and for a name that does not
 * exist: after the server restarts on the same database both still answer "locked" with the
 * same body, and failures counted before the restart count after it for both — so neither the
 * lock nor its counter tells an attacker which usernames exist.
 */
import { expect } from 'chai';
import { demoPassword } from '../../api/src/demo.js';
import { startTestServer, type ApiResponse, type TestServer } from '../support/server.js';

describe('sign-in lockout across a restart (real accounts and unknown names alike)', function () {
  this.timeout(120_000);
  let server: TestServer;

  // enough burst that the per-address throttle (in memory) never answers first
  before(async () => {
    server = await startTestServer({ LOGIN_THROTTLE_BURST: '1000', LOCKOUT_THRESHOLD: '5', LOCKOUT_MINUTES: '15' });
  });
  after(async () => server?.close());

  const login = (username: string, password: string) => server.anonymous().post('/api/auth/login', { username, password });

  /** What a caller can compare between two answers: status, code, texts and the fields present. */
  function shape(response: ApiResponse<any>) {
    const body = response.body as Record<string, unknown>;
    return { status: response.status, keys: Object.keys(body).sort(), code: body.code, title: body.title, detail: body.detail, type: body.type };
  }

  it('answers a locked real account and a locked unknown name the same after a restart, and keeps counting both', async () => {
    const lockedBefore: ApiResponse[] = [];
    for (const name of ['inspector2', 'no-such-person']) {
      for (let i = 1; i <= 4; i += 1) expect((await login(name, `Wrong-${i}-pass`)).status, `${name} attempt ${i}`).to.equal(401);
      lockedBefore.push(await login(name, 'Wrong-5-pass'));
    }
    expect(shape(lockedBefore[0])).to.deep.equal(shape(lockedBefore[1]));
    expect(lockedBefore[0].status).to.equal(423);
    // four failures each, one below the threshold, for a second pair (one name in other case)
    for (const name of ['dispatcher2', 'Ghost-Two']) {
      for (let i = 1; i <= 4; i += 1) expect((await login(name, `Wrong-${i}-pass`)).status, `${name} attempt ${i}`).to.equal(401);
    }

    server = await server.restart();

    const real = await login('inspector2', 'Wrong-6-pass');
    const unknown = await login('no-such-person', 'Wrong-6-pass');
    expect(shape(unknown), 'a locked unknown name answers like a locked account').to.deep.equal(shape(real));
    expect(real.status).to.equal(423);
    expect(real.body).to.include({ code: 'auth.locked' });
    // the right password does not get through the lock either
    expect((await login('inspector2', demoPassword)).status).to.equal(423);
    const english = await server.anonymous().request('POST', '/api/auth/login', { username: 'no-such-person', password: 'x' }, { 'accept-language': 'en' });
    expect(english.status).to.equal(423);
    expect(english.body.title).to.equal('Too many wrong passwords: the account is locked for a while, try later or ask an administrator');

    // the counters below the threshold survived too: the fifth failure locks both
    const fifthReal = await login('dispatcher2', 'Wrong-5-pass');
    const fifthUnknown = await login('ghost-two', 'Wrong-5-pass');
    expect(shape(fifthUnknown), 'the fifth failure locks an unknown name like an account').to.deep.equal(shape(fifthReal));
    expect(fifthReal.status).to.equal(423);
  });
});
