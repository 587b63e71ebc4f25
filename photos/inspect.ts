/**
 * Looks at an uploaded file and says what it really is: the type sniffed from its bytes (never
 * the name or the Content-Type), proof that it decodes, its size in pixels, EXIF time and
 * position, SHA-256 and perceptual hash. Anything that is not an accepted, whole image is
 * refused with a PhotoError.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileTypeFromBuffer } from 'file-type';
import sharp, { type Metadata } from 'sharp';
import decodeHeic from 'heic-decode';
import { PhotoError } from './errors.js';
import { readExifFacts, type ExifFacts } from './exif.js';
import { phashOf } from './phash.js';

/** Accepted MIME types and the file extension each is stored under. */
export const ACCEPTED_TYPES = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'image/webp': 'webp',
} as const;

export type PhotoMime = keyof typeof ACCEPTED_TYPES;

export function isAcceptedMime(mime: string): mime is PhotoMime {
  return Object.hasOwn(ACCEPTED_TYPES, mime);
}

export interface ImageInspection extends ExifFacts {
  mime: PhotoMime;
  ext: (typeof ACCEPTED_TYPES)[PhotoMime];
  bytes: number;
  /** Upright size (after the EXIF orientation is applied). */
  width: number;
  height: number;
  sha256: string;
  /** 64-bit DCT perceptual hash, 16 hex characters. */
  phash: string;
}

export interface InspectOptions {
  /** Largest image accepted, in pixels, checked from the header before decoding (default 120 M: a 108 MP phone photo fits). */
  maxPixels?: number;
}

/** The largest image accepted by default: 120 megapixels. */
export const DEFAULT_MAX_PIXELS = 120_000_000;

/** How many images are decoded at once, process-wide: a burst of large photos waits its turn. */
export const DECODE_CONCURRENCY = 2;
let decoding = 0;
const waiting: (() => void)[] = [];
/** Decodes in flight now and the most seen at once (the concurrency test reads them). */
export const decodeStats = { running: 0, peak: 0 };

async function withDecodeSlot<T>(work: () => Promise<T>): Promise<T> {
  if (decoding >= DECODE_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  decoding += 1;
  decodeStats.running = decoding;
  decodeStats.peak = Math.max(decodeStats.peak, decoding);
  try {
    return await work();
  } finally {
    decoding -= 1;
    decodeStats.running = decoding;
    waiting.shift()?.();
  }
}

const SHARP_FORMAT: Record<PhotoMime, string> = {
  'image/jpeg': 'jpeg', 'image/png': 'png', 'image/heic': 'heif', 'image/heif': 'heif', 'image/webp': 'webp',
};

export async function inspectImage(input: Buffer | string, options: InspectOptions = {}): Promise<ImageInspection> {
  const buffer = typeof input === 'string' ? await readFile(input) : input;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const sniffed = buffer.length ? await fileTypeFromBuffer(buffer) : undefined;
  if (!sniffed || !isAcceptedMime(sniffed.mime)) {
    throw new PhotoError('photo.unsupported_type', `the file is ${sniffed ? sniffed.mime : 'not a recognised image'}; accepted: ${Object.keys(ACCEPTED_TYPES).join(', ')}`);
  }
  const mime = sniffed.mime;

  let metadata: Metadata;
  try {
    // the header only: the pixel count is known before anything is decoded
    metadata = await sharp(buffer, { failOn: 'warning', limitInputPixels: false }).metadata();
  } catch (error) {
    throw new PhotoError('photo.corrupt', `the ${mime} header cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if (metadata.format !== SHARP_FORMAT[mime]) {
    throw new PhotoError('photo.corrupt', `the bytes look like ${mime} but decode as ${metadata.format}`);
  }
  if (!metadata.width || !metadata.height) throw new PhotoError('photo.corrupt', `image size ${metadata.width}×${metadata.height} is empty`);
  if (metadata.width * metadata.height > maxPixels) {
    throw new PhotoError('photo.too_many_pixels', `image size ${metadata.width}×${metadata.height} is above the ${maxPixels}-pixel limit`);
  }

  // Decoding the whole image is the proof that it is not truncated or damaged; the pHash
  // pipeline does exactly that (failOn 'warning' turns "premature end of data" into an error).
  let width = metadata.autoOrient?.width ?? metadata.width;
  let height = metadata.autoOrient?.height ?? metadata.height;
  let phash: string;
  try {
    phash = await withDecodeSlot(async () => {
      if (metadata.format === 'heif' && metadata.compression !== 'av1') {
        // sharp's prebuilt libvips decodes AV1-coded HEIF only (HEVC is patent-encumbered);
        // phones write HEVC, so libheif compiled to WebAssembly decodes it (rotation applied).
        const decoded = await decodeHeic({ buffer });
        width = decoded.width;
        height = decoded.height;
        const pixels = Buffer.from(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
        return phashOf(pixels, { width, height, channels: 4 });
      }
      return phashOf(buffer);
    });
  } catch (error) {
    throw new PhotoError('photo.corrupt', `the ${mime} image cannot be decoded: ${errorText(error)}`, { cause: error });
  }

  const exif = await readExifFacts(metadata.exif);
  return {
    mime,
    ext: ACCEPTED_TYPES[mime],
    bytes: buffer.length,
    width,
    height,
    sha256: createHash('sha256').update(buffer).digest('hex'),
    phash,
    ...exif,
  };
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0]!;
  return String(error);
}
