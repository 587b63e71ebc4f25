/**
 * Perceptual hash (64-bit DCT pHash) and its Hamming geometry: the fingerprint that lets the
 * platform recognise a photo re-used from another case or an earlier phase even after it was
 * re-encoded or resized, plus the 16-bit bands the store indexes to find candidates fast.
 */
import sharp from 'sharp';

const SAMPLE = 32;
const LOW = 8;

/** cos((2x+1)uπ/2N) for u < 8, x < 32, with the orthonormal scale factor folded in. */
const BASIS: Float64Array[] = Array.from({ length: LOW }, (_, u) => {
  const row = new Float64Array(SAMPLE);
  const scale = u === 0 ? Math.sqrt(1 / SAMPLE) : Math.sqrt(2 / SAMPLE);
  for (let x = 0; x < SAMPLE; x++) row[x] = scale * Math.cos(((2 * x + 1) * u * Math.PI) / (2 * SAMPLE));
  return row;
});

/**
 * pHash of a 32×32 8-bit grayscale image (row-major): the top-left 8×8 block of its DCT-II,
 * each coefficient thresholded at the median of the 63 non-DC coefficients. The DC term
 * (mean brightness) carries no structure and would always be "above", so its bit is 0.
 * Result: 16 lowercase hex characters, coefficient (0,0) in the most significant bit.
 */
export function phashFromGray32(pixels: Uint8Array): string {
  if (pixels.length !== SAMPLE * SAMPLE) throw new Error(`phash needs ${SAMPLE}×${SAMPLE} gray pixels, got ${pixels.length}`);
  // Separable DCT, only the 8 lowest frequencies each way: rows first, then columns.
  const rows = new Float64Array(SAMPLE * LOW);
  for (let y = 0; y < SAMPLE; y++) {
    for (let v = 0; v < LOW; v++) {
      const basis = BASIS[v]!;
      let sum = 0;
      for (let x = 0; x < SAMPLE; x++) sum += basis[x]! * pixels[y * SAMPLE + x]!;
      rows[y * LOW + v] = sum;
    }
  }
  const coefficients = new Float64Array(LOW * LOW);
  for (let u = 0; u < LOW; u++) {
    const basis = BASIS[u]!;
    for (let v = 0; v < LOW; v++) {
      let sum = 0;
      for (let y = 0; y < SAMPLE; y++) sum += basis[y]! * rows[y * LOW + v]!;
      coefficients[u * LOW + v] = sum;
    }
  }
  const acTerms = Array.from(coefficients.subarray(1)).sort((a, b) => a - b);
  const median = (acTerms[31]! + acTerms[32]!) / 2;
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++) {
      const index = nibble * 4 + bit;
      value = (value << 1) | (index !== 0 && coefficients[index]! > median ? 1 : 0);
    }
    hex += value.toString(16);
  }
  return hex;
}

/**
 * pHash of an image sharp can read (encoded bytes, or raw pixels with `raw`). The image is
 * turned upright by its EXIF orientation first, so a rotated re-upload still matches.
 */
export async function phashOf(input: Buffer, raw?: { width: number; height: number; channels: 1 | 2 | 3 | 4 }): Promise<string> {
  const gray = await sharp(input, raw ? { raw } : { failOn: 'warning' })
    .autoOrient()
    .greyscale()
    .resize(SAMPLE, SAMPLE, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return phashFromGray32(new Uint8Array(gray.buffer, gray.byteOffset, gray.length));
}

function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Number of differing bits between two 16-hex-character hashes. */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== 16 || b.length !== 16) throw new Error('hashes must be 16 hex characters');
  const high = parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16);
  const low = parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16);
  if (Number.isNaN(high) || Number.isNaN(low)) throw new Error('hashes must be 16 hex characters');
  return popcount32(high) + popcount32(low);
}

export const BAND_COUNT = 4;

/** The four 16-bit bands of a hash (most significant first): the store's index keys. */
export function hashBands(hash: string): [number, number, number, number] {
  return [0, 1, 2, 3].map((b) => parseInt(hash.slice(b * 4, b * 4 + 4), 16)) as [number, number, number, number];
}

/** Every 16-bit value within `radius` bits of `value` (radius 0 → 1 value, 1 → 17, 2 → 137). */
export function bandNeighbours(value: number, radius: number): number[] {
  const out = [value];
  const walk = (current: number, fromBit: number, left: number): void => {
    if (left === 0) return;
    for (let bit = fromBit; bit < 16; bit++) {
      const flipped = current ^ (1 << bit);
      out.push(flipped);
      walk(flipped, bit + 1, left - 1);
    }
  };
  walk(value, 0, radius);
  return out;
}

/**
 * Multi-index hashing: if two hashes differ in at most d bits, then by pigeonhole at least
 * one of the 4 bands differs in at most ⌊d/4⌋ bits. Probing each band's neighbours within
 * that radius therefore finds every match (no false negatives); the exact distance is then
 * checked on the candidates.
 */
export function bandProbeRadius(maxDistance: number): number {
  return Math.floor(maxDistance / BAND_COUNT);
}

export function isPhash(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{16}$/.test(value);
}
