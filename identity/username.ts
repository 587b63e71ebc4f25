/**
 * Usernames: NFKC-normalized and lower-cased, so `ＺhangSan` and `zhangsan` are one account,
 * and restricted to one script (ASCII letters and digits, or Chinese characters) so that
 * look-alikes from other scripts (Cyrillic `а` for Latin `a`) cannot make a second account.
 */

export const usernameInputMax = 64;

const asciiName = /^[a-z0-9](?:[a-z0-9._-]{1,30}[a-z0-9])$/;
const hanName = /^\p{Script=Han}{2,12}[0-9]{0,4}$/u;

/** The account key a typed name maps to (no validation: used to look accounts up). */
export function normalizeUsername(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}

/** Why a new username is refused, or null when it is acceptable. */
export function usernameProblem(raw: string): string | null {
  if (!raw.isWellFormed()) return 'is not well-formed Unicode (it has a lone surrogate)';
  if (raw.length > usernameInputMax) return `is longer than ${usernameInputMax} characters`;
  if (!raw.trim()) return 'is empty';
  if (/\s/u.test(raw.trim())) return 'must not contain spaces';
  if (/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/u.test(raw)) return 'contains invisible or control characters';
  const name = normalizeUsername(raw);
  if (asciiName.test(name) || hanName.test(name)) return null;
  if (/^[\x20-\x7e]+$/.test(name)) return 'must be 3–32 letters, digits, dots, dashes or underscores, starting and ending with a letter or digit';
  if (/\p{Script=Han}/u.test(name)) return 'must be 2–12 Chinese characters, optionally followed by up to 4 digits';
  return 'must use Latin letters and digits or Chinese characters only (look-alike letters from other scripts are refused)';
}
