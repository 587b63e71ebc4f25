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

/** Every rule the password breaks (empty: acceptable). History is checked by the caller (it needs the hashes). */
export function passwordProblems(raw: string, owner: PasswordOwner, policy: PasswordPolicy): string[] {
  const password = normalizePassword(raw);
  const problems: string[] = [];
  const length = [...password].length;
  if (!password.trim()) return ['must not be empty or only spaces'];
  if (length < policy.minLength) problems.push(`must be at least ${policy.minLength} characters`);
  if (length > policy.maxLength) problems.push(`must be at most ${policy.maxLength} characters`);
  if (/[\p{Cc}]/u.test(password)) problems.push('must not contain control characters');
  if (policy.requireLettersAndDigits && !(/\p{L}/u.test(password) && /\p{Nd}/u.test(password))) problems.push('must contain both letters and digits');
  const lower = password.toLowerCase();
  const username = owner.username.normalize('NFKC').toLowerCase();
  if (username.length >= 3 && lower.includes(username)) problems.push('must not contain the username');
  const mobile = (owner.mobile ?? '').replace(/\D/g, '');
  const digits = password.replace(/\D/g, '');
  if (mobile.length >= 6 && (digits.includes(mobile.slice(-8)) || digits === mobile)) problems.push('must not contain the mobile number');
  if (commonPasswords().has(lower)) problems.push('is too common (it is on the list of most-used and breached passwords)');
  else if (new Set(password).size <= 2) problems.push('must not repeat one or two characters');
  return problems;
}
