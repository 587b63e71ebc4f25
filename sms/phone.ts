/**
 * Phone numbers the platform sends SMS to: Chinese mobiles (11 digits, 1[3-9]…; +86 / 86 /
 * 0086 prefixes normalised away) and other E.164 numbers (kept as +<digits>).
 */

export class InvalidPhoneError extends Error {
  readonly code = 'sms.phone_invalid';
  readonly field = 'to';

  constructor(readonly input: string) {
    super(`"${input}" is not a valid mobile number (expected 11 digits starting 13–19, or +<country code><number>)`);
    this.name = 'InvalidPhoneError';
  }
}

const CN_MOBILE = /^1[3-9]\d{9}$/;

/** The canonical form of `input` (11 digits for China, +E.164 otherwise); throws InvalidPhoneError. */
export function normalizePhone(input: string): string {
  const compact = input.trim().replace(/[\s\-().]/g, '');
  let digits = compact;
  let international = false;
  if (digits.startsWith('+')) {
    international = true;
    digits = digits.slice(1);
  } else if (digits.startsWith('00')) {
    international = true;
    digits = digits.slice(2);
  }
  if (!/^\d+$/.test(digits)) throw new InvalidPhoneError(input);
  if (CN_MOBILE.test(digits) && !international) return digits;
  if (digits.startsWith('86') && CN_MOBILE.test(digits.slice(2))) return digits.slice(2);
  if (international) {
    if (digits.startsWith('86')) throw new InvalidPhoneError(input);
    if (/^[1-9]\d{6,14}$/.test(digits)) return `+${digits}`;
  }
  throw new InvalidPhoneError(input);
}

export function isValidPhone(input: string): boolean {
  try {
    normalizePhone(input);
    return true;
  } catch {
    return false;
  }
}

/** The destination_addr and TON/NPI for submit_sm. */
export function smppAddress(phone: string): { addr: string; ton: number; npi: number } {
  if (phone.startsWith('+')) return { addr: phone.slice(1), ton: 1, npi: 1 };
  return { addr: phone, ton: 0, npi: 1 };
}
