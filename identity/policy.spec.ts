/** Username and password rules as pure functions (the HTTP specs cover them end to end). */
import { expect } from 'chai';
import { commonPasswords, passwordProblems, type PasswordPolicy } from './password-policy.js';
import { normalizeUsername, usernameProblem } from './username.js';
import { normalizeDeviceId } from './device.js';

const policy: PasswordPolicy = { minLength: 8, maxLength: 32, requireLettersAndDigits: true, expiryDays: 90, history: 5 };

describe('identity: username and password rules', () => {
  it('normalizes usernames (NFKC, lower case) and refuses mixed scripts', () => {
    expect(normalizeUsername(' ＷａｎｇＱｉａｎｇ ')).to.equal('wangqiang');
    expect(usernameProblem('wangqiang')).to.equal(null);
    expect(usernameProblem('王强')).to.equal(null);
    expect(usernameProblem('王强01')).to.equal(null);
    expect(usernameProblem('wang\u0261')).to.match(/look-alike/); // Latin small script g
    expect(usernameProblem('ωang')).to.match(/look-alike/);
    expect(usernameProblem('')).to.match(/empty/);
    expect(usernameProblem('ab')).to.match(/3–32/);
    expect(usernameProblem('wang\uD800')).to.match(/well-formed/); // a lone surrogate
    expect(usernameProblem('\uDC00王强')).to.match(/well-formed/);
  });

  it('ships a list of a few thousand common passwords and checks it case-insensitively', () => {
    expect(commonPasswords().size).to.be.above(3000);
    for (const p of ['123456', 'password', 'woaini1314', '1qaz2wsx', 'qwerty123', 'a123456']) expect(commonPasswords().has(p), p).to.equal(true);
    expect(passwordProblems('P@ssw0rd', { username: 'x' }, policy).join()).to.match(/too common/);
    expect(passwordProblems('ABC12345', { username: 'x' }, policy).join()).to.match(/too common/);
  });

  it('measures length in characters (a Chinese passphrase counts its characters, not bytes)', () => {
    expect(passwordProblems('城管执法派单2026', { username: 'x' }, policy)).to.deep.equal([]);
    expect(passwordProblems('城管2026', { username: 'x' }, policy).join()).to.match(/at least 8/);
    expect(passwordProblems('Aa1'.padEnd(32, 'z'), { username: 'x' }, policy)).to.deep.equal([]);
    expect(passwordProblems('Aa1'.padEnd(33, 'k'), { username: 'x' }, policy).join()).to.match(/at most 32/);
  });

  it('can turn the composition rule off, but never the minimum length or the common list', () => {
    const relaxed = { ...policy, requireLettersAndDigits: false };
    expect(passwordProblems('correcthorsebattery', { username: 'x' }, relaxed)).to.deep.equal([]);
    expect(passwordProblems('short', { username: 'x' }, relaxed).join()).to.match(/at least 8/);
    expect(passwordProblems('password', { username: 'x' }, relaxed).join()).to.match(/too common/);
  });

  it('normalizes device identities and refuses anything else', () => {
    expect(normalizeDeviceId('86-0012-3456-7890-1')).to.equal('860012345678901');
    expect(normalizeDeviceId('a1b2c3d4')).to.equal('A1B2C3D4');
    expect(normalizeDeviceId('1234567')).to.equal(null);
    expect(normalizeDeviceId('not-a-device')).to.equal(null);
  });
});
