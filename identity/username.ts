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

/** Why a new username is refused, in English and Chinese, or null when it is acceptable. */
export function usernameRuleProblem(raw: string): { en: string; zh: string } | null {
  if (!raw.isWellFormed()) return { en: 'is not well-formed Unicode (it has a lone surrogate)', zh: '含有无效字符' };
  if (raw.length > usernameInputMax) return { en: `is longer than ${usernameInputMax} characters`, zh: `不能超过 ${usernameInputMax} 个字符` };
  if (!raw.trim()) return { en: 'is empty', zh: '必填' };
  if (/\s/u.test(raw.trim())) return { en: 'must not contain spaces', zh: '不能含有空格' };
  if (/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/u.test(raw)) return { en: 'contains invisible or control characters', zh: '不能含有不可见字符或控制字符' };
  const name = normalizeUsername(raw);
  if (asciiName.test(name) || hanName.test(name)) return null;
  if (/^[\x20-\x7e]+$/.test(name)) {
    return { en: 'must be 3–32 letters, digits, dots, dashes or underscores, starting and ending with a letter or digit', zh: '须为 3–32 位字母、数字、点、短横线或下划线，并以字母或数字开头和结尾' };
  }
  if (/\p{Script=Han}/u.test(name)) return { en: 'must be 2–12 Chinese characters, optionally followed by up to 4 digits', zh: '须为 2–12 个汉字，后面可跟最多 4 位数字' };
  return { en: 'must use Latin letters and digits or Chinese characters only (look-alike letters from other scripts are refused)', zh: '只能使用英文字母、数字或汉字（不接受其他文字中形似的字母）' };
}

/** Why a new username is refused, or null when it is acceptable. */
export function usernameProblem(raw: string): string | null {
  return usernameRuleProblem(raw)?.en ?? null;
}
