/**
 * UCS-2 / UTF-16BE (data_coding 8): Chinese text and emoji. Surrogate pairs are kept intact;
 * an odd byte count or an unpaired surrogate is reported as an error and replaced by U+FFFD,
 * never thrown.
 */

export interface DecodeResult {
  text: string;
  /** Why the bytes were not a valid sequence (the text holds U+FFFD where they were bad). */
  error?: string;
}

export function encodeUcs2(text: string): Buffer {
  const out = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i += 1) out.writeUInt16BE(text.charCodeAt(i), i * 2);
  return out;
}

export function decodeUcs2(bytes: Uint8Array): DecodeResult {
  const errors: string[] = [];
  const units = Math.floor(bytes.length / 2);
  let text = '';
  for (let i = 0; i < units; i += 1) {
    const unit = (bytes[i * 2]! << 8) | bytes[i * 2 + 1]!;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 1 < units ? (bytes[(i + 1) * 2]! << 8) | bytes[(i + 1) * 2 + 1]! : -1;
      if (next >= 0xdc00 && next <= 0xdfff) {
        text += String.fromCharCode(unit, next);
        i += 1;
      } else {
        errors.push(`unpaired high surrogate at byte ${i * 2}`);
        text += '\ufffd';
      }
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      errors.push(`unpaired low surrogate at byte ${i * 2}`);
      text += '\ufffd';
    } else {
      text += String.fromCharCode(unit);
    }
  }
  if (bytes.length % 2 !== 0) {
    errors.push(`odd length (${bytes.length} bytes)`);
    text += '\ufffd';
  }
  return errors.length ? { text, error: `invalid UCS-2: ${errors.join('; ')}` } : { text };
}

/** Number of UTF-16 code units (what UCS-2 part limits count). */
export function ucs2Units(text: string): number {
  return text.length;
}
