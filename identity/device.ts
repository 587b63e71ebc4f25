/**
 * Device identities a managed mobile client sends with its sign-in: SIM IMSI (15 digits),
 * handset IMEI (15) / IMEISV (16), or CDMA ESN (8 hex) / MEID (14 hex). Normalized to upper-case
 * hex without separators; compared in constant time.
 */
import { safeEqual } from './tokens.js';

export const deviceIdPattern = '^[0-9A-Fa-f: -]{8,40}$';

export function normalizeDeviceId(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const id = raw.replace(/[\s:-]/g, '').toUpperCase();
  return /^[0-9A-F]{8,16}$/.test(id) ? id : null;
}

export function sameDevice(bound: string, presented: string | null): boolean {
  return presented !== null && safeEqual(bound, presented);
}
