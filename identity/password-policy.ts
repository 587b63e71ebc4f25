/**
 * The password policy: what the bureau requires (length range, letters and digits, expiry,
 * history — configurable) and what is always checked besides (a minimum length, not the
 * username or mobile number, not on the bundled list of common and breached passwords).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthConfig } from '../api/src/config.js';

export type PasswordPolicy = AuthConfig['password'];

/** Longest input accepted at all (the policy's maximum is checked with a clear message). */
export const passwordInputMax = 256;

let common: Set<string> | null = null;

/** The bundled list (identity/common-passwords.txt), lower-cased. */
export function commonPasswords(): Set<string> {
  if (!common) {
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'common-passwords.txt');
    common = new Set(fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => l.normalize('NFKC').toLowerCase()));
  }
  return common;
}

/** Passwords are compared and hashed in NFKC, so the same characters typed on two keyboards match. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

export interface PasswordOwner {
  username: string;
  mobile?: string | null;
}

/** A broken rule in the caller's language (the API answers `messageZh` to a zh-CN caller). */
export interface PasswordProblem {
  en: string;
  zh: string;
}

/** Every rule the password breaks (empty: acceptable). History is checked by the caller (it needs the hashes). */
export function passwordRuleProblems(raw: string, owner: PasswordOwner, policy: PasswordPolicy): PasswordProblem[] {
  const password = normalizePassword(raw);
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (!password.trim()) return [{ en: 'must not be empty or only spaces', zh: '不能为空或只有空格' }];
  if (length < policy.minLength) problems.push({ en: `must be at least ${policy.minLength} characters`, zh: `至少 ${policy.minLength} 个字符` });
  if (length > policy.maxLength) problems.push({ en: `must be at most ${policy.maxLength} characters`, zh: `不能超过 ${policy.maxLength} 个字符` });
  if (/[\p{Cc}]/u.test(password)) problems.push({ en: 'must not contain control characters', zh: '不能含有控制字符' });
  if (policy.requireLettersAndDigits && !(/\p{L}/u.test(password) && /\p{Nd}/u.test(password))) problems.push({ en: 'must contain both letters and digits', zh: '须同时包含字母和数字' });
  const lower = password.toLowerCase();
  const username = owner.username.normalize('NFKC').toLowerCase();
  if (username.length >= 3 && lower.includes(username)) problems.push({ en: 'must not contain the username', zh: '不能包含用户名' });
  const mobile = (owner.mobile ?? '').replace(/\D/g, '');
  const digits = password.replace(/\D/g, '');
  if (mobile.length >= 6 && (digits.includes(mobile.slice(-8)) || digits === mobile)) problems.push({ en: 'must not contain the mobile number', zh: '不能包含手机号码' });
  if (commonPasswords().has(lower)) problems.push({ en: 'is too common (it is on the list of most-used and breached passwords)', zh: '过于常见（在常用及已泄露密码名单中）' });
  else if (new Set(password).size <= 2) problems.push({ en: 'must not repeat one or two characters', zh: '不能只由一两个字符重复组成' });
  return problems;
}

/** The broken rules in English. */
export function passwordProblems(raw: string, owner: PasswordOwner, policy: PasswordPolicy): string[] {
  return passwordRuleProblems(raw, owner, policy).map((p) => p.en);
}
