/**
 * Text ↔ SMPP message bytes by data_coding: 0 GSM 03.38 (unpacked or packed septets),
 * 1 IA5/ASCII, 3 Latin-1, 8 UCS-2, 15 GBK (used by some Chinese SMSCs), binary shown as hex.
 * Decoding never throws: a bad sequence comes back as `error` beside the best-effort text.
 */
import { decodeGsmSeptets, encodeGsmSeptets, unpackSeptets } from './gsm7.js';
import { decodeUcs2, encodeUcs2, type DecodeResult } from './ucs2.js';

export type { DecodeResult } from './ucs2.js';

export const DataCoding = {
  DEFAULT: 0x00,
  IA5: 0x01,
  BINARY: 0x02,
  LATIN1: 0x03,
  BINARY_8BIT: 0x04,
  UCS2: 0x08,
  GBK: 0x0f,
} as const;

export type TextCoding = 'gsm7' | 'ucs2';

/** Which alphabet a payload of this data_coding uses. */
export function alphabetOf(dataCoding: number): 'gsm7' | 'ascii' | 'latin1' | 'ucs2' | 'gbk' | 'binary' | 'unknown' {
  switch (dataCoding) {
    case 0x00: return 'gsm7';
    case 0x01: return 'ascii';
    case 0x03: return 'latin1';
    case 0x08: return 'ucs2';
    case 0x0f: return 'gbk';
    case 0x02: case 0x04: return 'binary';
    default: break;
  }
  // GSM DCS "message class" group 1111xxxx: bit 2 selects 8-bit data over the default alphabet.
  if ((dataCoding & 0xf0) === 0xf0) return dataCoding & 0x04 ? 'binary' : 'gsm7';
  // General data coding group 00xxxxxx: bits 3..2 are the alphabet.
  if ((dataCoding & 0xc0) === 0x00) {
    const alphabet = (dataCoding >> 2) & 0x03;
    return alphabet === 0 ? 'gsm7' : alphabet === 1 ? 'binary' : alphabet === 2 ? 'ucs2' : 'unknown';
  }
  return 'unknown';
}

export interface DecodeOptions {
  /** data_coding 0 arrives packed (7 bits per septet) rather than one septet per byte. */
  gsmPacked?: boolean;
  /** Fill bits before the first septet when packed text follows a UDH. */
  fillBits?: number;
}

/** Septets of a data_coding-0 payload, in the one-septet-per-byte form. */
export function gsmSeptetsOf(bytes: Uint8Array, options: DecodeOptions = {}): Uint8Array {
  if (options.gsmPacked) return Uint8Array.from(unpackSeptets(bytes, undefined, options.fillBits ?? 0));
  return bytes;
}

export function decodeText(dataCoding: number, bytes: Uint8Array, options: DecodeOptions = {}): DecodeResult {
  const alphabet = alphabetOf(dataCoding);
  switch (alphabet) {
    case 'gsm7': {
      const septets = gsmSeptetsOf(bytes, options);
      const high = septets.some((b) => b > 0x7f);
      const text = decodeGsmSeptets(septets);
      return high ? { text, error: 'GSM 7-bit payload has bytes above 0x7F (packed sent as unpacked?)' } : { text };
    }
    case 'ascii': {
      const text = Buffer.from(bytes).toString('latin1');
      return bytes.some((b) => b > 0x7f) ? { text, error: 'IA5 payload has bytes above 0x7F (decoded as Latin-1)' } : { text };
    }
    case 'latin1':
      return { text: Buffer.from(bytes).toString('latin1') };
    case 'ucs2':
      return decodeUcs2(bytes);
    case 'gbk':
      try {
        return { text: new TextDecoder('gbk', { fatal: true }).decode(bytes) };
      } catch {
        return { text: new TextDecoder('gbk').decode(bytes), error: 'invalid GBK sequence' };
      }
    case 'binary':
      return { text: Buffer.from(bytes).toString('hex'), error: `binary data_coding ${dataCoding}: shown as hex` };
    default:
      return { text: Buffer.from(bytes).toString('latin1'), error: `unsupported data_coding ${dataCoding}: decoded as Latin-1` };
  }
}

/** GSM 7-bit when every character fits the default alphabet, else UCS-2. */
export function chooseCoding(text: string): TextCoding {
  return encodeGsmSeptets(text) ? 'gsm7' : 'ucs2';
}

/** The one-septet-per-byte (gsm7) or UTF-16BE (ucs2) bytes of `text`. */
export function encodeText(text: string, coding: TextCoding): Buffer {
  if (coding === 'ucs2') return encodeUcs2(text);
  const septets = encodeGsmSeptets(text);
  if (!septets) throw new RangeError('text has characters outside the GSM 03.38 alphabet');
  return Buffer.from(septets);
}

export function dataCodingOf(coding: TextCoding): number {
  return coding === 'ucs2' ? DataCoding.UCS2 : DataCoding.DEFAULT;
}
