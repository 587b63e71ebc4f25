import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import sharp from 'sharp';
import { DECODE_CONCURRENCY, decodeStats, inspectImage, type InspectOptions } from './inspect.js';
import { parseExifDateTime, readExifFacts } from './exif.js';
import { isPhotoError, type PhotoErrorCode } from './errors.js';
import { bandNeighbours, bandProbeRadius, hammingDistance, hashBands, phashFromGray32 } from './phash.js';
import { jpeg, png, pngHeader, reencoded, scene, webp } from './test-images.js';

const here = path.dirname(fileURLToPath(import.meta.url));

async function refusalWith(bytes: Buffer, options: InspectOptions = {}): Promise<PhotoErrorCode | null> {
  try {
    await inspectImage(bytes, options);
    return null;
  } catch (error) {
    if (!isPhotoError(error)) throw error;
    return error.code;
  }
}
/** 160×120 HEVC HEIC (2.3 KB) made with libheif's `heif-enc -q 50` from `jpeg({ seed: 7, … })`. */
const HEIC_FIXTURE = path.join(here, 'fixtures', 'scene7.heic');

async function refusal(input: Buffer | string): Promise<PhotoErrorCode> {
  try {
    await inspectImage(input);
  } catch (error) {
    if (isPhotoError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a PhotoError');
}

describe('photos: inspectImage', function () {
  this.timeout(30_000);

  it('reads a JPEG: type from the bytes, size, hashes, EXIF time with its offset and GPS', async () => {
    const bytes = await jpeg({ seed: 1, takenAt: '2024:11:24 10:00:00', offset: '+09:00', gps: { lat: 31.2304, lng: 121.4737 } });
    const info = await inspectImage(bytes);
    expect(info.mime).to.equal('image/jpeg');
    expect(info.ext).to.equal('jpg');
    expect([info.width, info.height]).to.deep.equal([640, 480]);
    expect(info.bytes).to.equal(bytes.length);
    expect(info.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(info.phash).to.match(/^[0-9a-f]{16}$/);
    expect(info.takenAt?.toISOString()).to.equal('2024-11-24T01:00:00.000Z');
    expect(info.takenAtOffset).to.equal('+09:00');
    expect(info.takenAtRaw).to.equal('2024:11:24 10:00:00');
    expect(info.lat).to.be.closeTo(31.2304, 1e-6);
    expect(info.lng).to.be.closeTo(121.4737, 1e-6);
  });

  it('assumes Asia/Shanghai (UTC+8) when the photo names no offset', async () => {
    const info = await inspectImage(await jpeg({ takenAt: '2024:11:24 10:00:00' }));
    expect(info.takenAt?.toISOString()).to.equal('2024-11-24T02:00:00.000Z');
    expect(info.takenAtOffset).to.equal(null);
    expect(info.lat).to.equal(null);
    expect(info.lng).to.equal(null);
  });

  it('reads southern and western GPS as negative degrees', async () => {
    const info = await inspectImage(await jpeg({ gps: { lat: -33.8688, lng: -70.6693 } }));
    expect(info.lat).to.be.closeTo(-33.8688, 1e-6);
    expect(info.lng).to.be.closeTo(-70.6693, 1e-6);
  });

  it('accepts PNG and WebP (with their EXIF) and a file path', async () => {
    const p = await inspectImage(await png({ seed: 2, width: 320, height: 200, takenAt: '2024:01:02 03:04:05' }));
    expect(p.mime).to.equal('image/png');
    expect([p.width, p.height]).to.deep.equal([320, 200]);
    expect(p.takenAt?.toISOString()).to.equal('2024-01-01T19:04:05.000Z');
    const w = await inspectImage(await webp({ seed: 2, width: 320, height: 200, gps: { lat: 22.5431, lng: 114.0579 } }));
    expect(w.mime).to.equal('image/webp');
    expect(w.lat).to.be.closeTo(22.5431, 1e-6);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-photo-'));
    try {
      const file = path.join(dir, 'upload.bin');
      fs.writeFileSync(file, await png({ seed: 3 }));
      expect((await inspectImage(file)).mime).to.equal('image/png');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decodes an HEVC HEIC from a phone (sharp cannot: libheif in WebAssembly does) with its EXIF', async () => {
    const info = await inspectImage(HEIC_FIXTURE);
    expect(info.mime).to.equal('image/heic');
    expect(info.ext).to.equal('heic');
    expect([info.width, info.height]).to.deep.equal([160, 120]);
    expect(info.takenAt?.toISOString()).to.equal('2024-11-24T02:30:00.000Z');
    expect(info.lat).to.be.closeTo(31.2304, 1e-6);
    const sameScene = await inspectImage(await jpeg({ seed: 7, width: 160, height: 120 }));
    expect(hammingDistance(info.phash, sameScene.phash)).to.be.at.most(6);
    expect(await refusal(fs.readFileSync(HEIC_FIXTURE).subarray(0, 1500))).to.equal('photo.corrupt');
  });

  it('refuses a text file named .jpg, an empty file and image types outside the list', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-photo-'));
    try {
      const file = path.join(dir, 'photo.jpg');
      fs.writeFileSync(file, '这不是一张照片 — just text pretending to be a JPEG\n');
      expect(await refusal(file)).to.equal('photo.unsupported_type');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(await refusal(Buffer.alloc(0))).to.equal('photo.unsupported_type');
    expect(await refusal(await sharp(await scene(4, 64, 64)).gif().toBuffer())).to.equal('photo.unsupported_type');
    expect(await refusal(await sharp(await scene(4, 64, 64)).tiff().toBuffer())).to.equal('photo.unsupported_type');
  });

  it('refuses truncated JPEG, PNG and WebP files as corrupt', async () => {
    const j = await jpeg({ seed: 5 });
    expect(await refusal(j.subarray(0, Math.floor(j.length * 0.6)))).to.equal('photo.corrupt');
    const p = await png({ seed: 5 });
    expect(await refusal(p.subarray(0, Math.floor(p.length * 0.6)))).to.equal('photo.corrupt');
    const w = await webp({ seed: 5 });
    expect(await refusal(w.subarray(0, Math.floor(w.length * 0.6)))).to.equal('photo.corrupt');
    // a JPEG header followed by garbage
    const garbage = Buffer.concat([j.subarray(0, 600), Buffer.alloc(4000, 0x5a)]);
    expect(await refusal(garbage)).to.equal('photo.corrupt');
  });

  it('refuses an image above the pixel limit (decompression bomb) before decoding it', async () => {
    const big = await sharp({ create: { width: 4000, height: 4000, channels: 3, background: '#777' } }).png().toBuffer();
    expect(await refusalWith(big, { maxPixels: 1_000_000 })).to.equal('photo.too_many_pixels');
    // 16000×16000 announced in a tiny PNG: refused by default from its header, nothing decoded
    expect(await refusalWith(pngHeader(16_000, 16_000))).to.equal('photo.too_many_pixels');
    // a 108 MP phone photo's size is within the default limit (the header passes; the data is missing)
    expect(await refusalWith(pngHeader(12_032, 9_024))).to.equal('photo.corrupt');
  });

  it('decodes at most two images at once, whatever arrives together', async () => {
    const images = await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => jpeg({ seed, width: 1200, height: 900 })));
    decodeStats.peak = 0;
    await Promise.all(images.map((image) => inspectImage(image)));
    expect(decodeStats.peak).to.equal(DECODE_CONCURRENCY);
    expect(decodeStats.running).to.equal(0);
  });
});

describe('photos: EXIF time parsing', () => {
  it('parses with an offset, without one (+08:00), with sub-seconds; rejects impossible dates', () => {
    expect(parseExifDateTime('2024:11:24 10:00:00', '-05:00')?.toISOString()).to.equal('2024-11-24T15:00:00.000Z');
    expect(parseExifDateTime('2024:11:24 10:00:00', null)?.toISOString()).to.equal('2024-11-24T02:00:00.000Z');
    expect(parseExifDateTime('2024:11:24 10:00:00', null, '25')?.toISOString()).to.equal('2024-11-24T02:00:00.250Z');
    expect(parseExifDateTime('0000:00:00 00:00:00', null)).to.equal(null);
    expect(parseExifDateTime('2023:02:31 10:00:00', null)).to.equal(null);
    expect(parseExifDateTime('    :  :     :  :  ', null)).to.equal(null);
    expect(parseExifDateTime('1980:01:01 00:00:00', null)?.toISOString()).to.equal('1979-12-31T16:00:00.000Z');
  });

  it('keeps an absurd or blank date as raw text and treats a broken EXIF block as none', async () => {
    const absurd = await inspectImage(await jpeg({ takenAt: '0000:00:00 00:00:00' }));
    expect(absurd.takenAt).to.equal(null);
    expect(absurd.takenAtRaw).to.equal('0000:00:00 00:00:00');
    const old = await inspectImage(await jpeg({ takenAt: '1999:12:31 23:59:59' }));
    expect(old.takenAt?.toISOString()).to.equal('1999-12-31T15:59:59.000Z');
    expect(await readExifFacts(Buffer.from('Exif\0\0II*\0garbage-garbage'))).to.include({ takenAt: null, lat: null });
    expect(await readExifFacts(undefined)).to.include({ takenAt: null, lat: null });
  });
});

describe('photos: perceptual hash', function () {
  this.timeout(30_000);

  it('matches the same scene re-encoded at another quality and resized; tells other scenes apart', async () => {
    const original = await jpeg({ seed: 11, quality: 90 });
    const base = (await inspectImage(original)).phash;
    for (const variant of [{ scale: 0.9, quality: 60 }, { scale: 0.5, quality: 35 }, { scale: 1.25, quality: 95 }]) {
      const again = (await inspectImage(await reencoded(original, variant))).phash;
      expect(hammingDistance(base, again), JSON.stringify(variant)).to.be.at.most(6);
    }
    for (let seed = 12; seed < 20; seed++) {
      const other = (await inspectImage(await jpeg({ seed }))).phash;
      expect(hammingDistance(base, other), `seed ${seed}`).to.be.above(12);
    }
  });

  it('is a 64-bit DCT hash with a median threshold: about half the bits set, DC bit clear', () => {
    const pixels = new Uint8Array(32 * 32);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + (i >> 5) * 91) & 0xff;
    const hash = phashFromGray32(pixels);
    const bits = [...hash].map((c) => parseInt(c, 16).toString(2).padStart(4, '0')).join('');
    expect(bits[0]).to.equal('0');
    expect(bits.split('').filter((b) => b === '1').length).to.equal(31); // 63 AC terms: 31 above the median
    expect(() => phashFromGray32(new Uint8Array(10))).to.throw();
  });

  it('Hamming distance and band probing (multi-index hashing finds every hash within d)', () => {
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).to.equal(64);
    expect(hammingDistance('8000000000000001', '0000000000000000')).to.equal(2);
    expect(hashBands('0001ffff8000abcd')).to.deep.equal([1, 0xffff, 0x8000, 0xabcd]);
    expect(bandNeighbours(0, 0)).to.have.length(1);
    expect(new Set(bandNeighbours(0x1234, 1)).size).to.equal(17);
    expect(new Set(bandNeighbours(0x1234, 2)).size).to.equal(137);
    expect(bandProbeRadius(6)).to.equal(1);
    // pigeonhole: 6 flipped bits spread 2/2/1/1 over the bands still leave one band within radius 1
    const a = '0123456789abcdef';
    let flipped = BigInt(`0x${a}`);
    for (const bit of [63, 62, 47, 46, 31, 15]) flipped ^= 1n << BigInt(bit);
    const b = flipped.toString(16).padStart(16, '0');
    expect(hammingDistance(a, b)).to.equal(6);
    const bandsA = hashBands(a);
    const bandsB = hashBands(b);
    const found = bandsA.some((value, i) => bandNeighbours(value, bandProbeRadius(6)).includes(bandsB[i]!));
    expect(found).to.equal(true);
  });
});
