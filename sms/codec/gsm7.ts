/**
 * GSM 03.38 default alphabet: text ↔ septets (with the extension table reached through ESC),
 * and septets ↔ packed 7-bit octets. SMSCs send data_coding 0 either unpacked (one septet per
 * byte, the usual SMPP form) or packed (as on the air interface); both are handled here.
 */

const ESC = 0x1b;

/** The basic table, indexed by septet value (0x1B is the escape to the extension table). */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** The extension table: septet after ESC → character. */
const EXTENSION: ReadonlyArray<[number, string]> = [
  [0x0a, '\f'], [0x14, '^'], [0x28, '{'], [0x29, '}'], [0x2f, '\\'],
  [0x3c, '['], [0x3d, '~'], [0x3e, ']'], [0x40, '|'], [0x65, '€'],
];

const basicEncode = new Map<string, number>();
for (let i = 0; i < BASIC.length; i += 1) if (i !== ESC) basicEncode.set(BASIC[i]!, i);
const extEncode = new Map<string, number>(EXTENSION.map(([septet, ch]) => [ch, septet]));
const extDecode = new Map<number, string>(EXTENSION);

/** Septets for `text`, or null when a character is outside the GSM default alphabet. */
export function encodeGsmSeptets(text: string): number[] | null {
  const septets: number[] = [];
  for (const ch of text) {
    const basic = basicEncode.get(ch);
    if (basic !== undefined) {
      septets.push(basic);
      continue;
    }
    const ext = extEncode.get(ch);
    if (ext === undefined) return null;
    septets.push(ESC, ext);
  }
  return septets;
}

export function isGsmEncodable(text: string): boolean {
  return encodeGsmSeptets(text) !== null;
}

/**
 * Text of a septet sequence. An ESC followed by a septet missing from the extension table
 * shows that septet's basic character (as 03.38 asks); a trailing ESC is dropped.
 */
export function decodeGsmSeptets(septets: ArrayLike<number>): string {
  let text = '';
  for (let i = 0; i < septets.length; i += 1) {
    const septet = septets[i]! & 0x7f;
    if (septet === ESC) {
      if (i + 1 >= septets.length) break;
      const next = septets[++i]! & 0x7f;
      text += extDecode.get(next) ?? (next === ESC ? ' ' : BASIC[next]!);
      continue;
    }
    text += BASIC[septet]!;
  }
  return text;
}

/**
 * Packs septets into octets, LSB first. `fillBits` leading zero bits align the first septet
 * after a UDH to a septet boundary (3GPP TS 23.040 §9.2.3.24).
 */
export function packSeptets(septets: ArrayLike<number>, fillBits = 0): Buffer {
  const totalBits = fillBits + septets.length * 7;
  const out = Buffer.alloc(Math.ceil(totalBits / 8));
  let bit = fillBits;
  for (let i = 0; i < septets.length; i += 1) {
    const value = septets[i]! & 0x7f;
    const byte = bit >> 3;
    const shift = bit & 7;
    out[byte]! |= (value << shift) & 0xff;
    if (shift > 1) out[byte + 1]! |= value >> (8 - shift);
    bit += 7;
  }
  return out;
}

/**
 * Unpacks octets into septets. `count` defaults to every whole septet in the buffer; a last
 * septet made only of padding zeros (8 septets fit in 7 octets) is dropped in that case.
 */
export function unpackSeptets(octets: Uint8Array, count?: number, fillBits = 0): number[] {
  const totalBits = octets.length * 8 - fillBits;
  const n = count === undefined ? Math.floor(totalBits / 7) : Math.min(count, Math.floor(totalBits / 7));
  const septets: number[] = [];
  let bit = fillBits;
  for (let i = 0; i < n; i += 1) {
    const byte = bit >> 3;
    const shift = bit & 7;
    let value = octets[byte]! >> shift;
    if (shift > 1 && byte + 1 < octets.length) value |= octets[byte + 1]! << (8 - shift);
    septets.push(value & 0x7f);
    bit += 7;
  }
  // Without a septet count, 7 spare bits at the end are padding: zeros, or CR as 03.38 advises.
  if (count === undefined && totalBits % 7 === 0 && n > 0 && (septets[n - 1] === 0 || septets[n - 1] === 0x0d)) septets.pop();
  return septets;
}
