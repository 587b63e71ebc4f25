/**
 * The photo store: streams an upload to a content-addressed file under the photo folder
 * (sharded `ab/cd/<sha256>.<ext>`), refuses anything that is not a whole accepted image
 * before a row or file is kept, and records each photo of a task once. It also answers the
 * re-use question (pHash neighbours, exact SHA-256 twins) from the database alone.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sweepPartFiles } from '../storage/part-files.js';
import { In, LessThanOrEqual, type DataSource, type Repository } from 'typeorm';
import { PhotoCheckEntity, PhotoEntity, type PhotoCheckRow, type PhotoRow } from './entities.js';
import { PhotoError, isPhotoError } from './errors.js';
import { inspectImage, type ImageInspection } from './inspect.js';
import { bandNeighbours, bandProbeRadius, hammingDistance, hashBands, isPhash } from './phash.js';

/** A stored photo as the rest of the platform sees it. */
export type Photo = Omit<PhotoRow, 'phashB0' | 'phashB1' | 'phashB2' | 'phashB3'>;

export interface PhotoStoreConfig {
  /** Folder for the files (default `data/photos`). */
  dir?: string;
  /** Largest upload accepted, in bytes (default 15 MB). */
  maxBytes?: number;
  /** Largest decoded image, in pixels (decompression-bomb guard). */
  maxPixels?: number;
}

export interface SavePhotoInput {
  /** The upload: a stream (the multipart file part) or bytes. */
  source: Readable | AsyncIterable<Uint8Array> | Buffer;
  caseId: string;
  taskId: string;
  uploadedBy: string;
}

export interface SimilarPhoto {
  photo: Photo;
  /** Hamming distance between the two pHashes (0–64). */
  distance: number;
}

export interface SimilarQuery {
  /** Largest Hamming distance that counts as similar (default 6). */
  maxDistance?: number;
  excludeIds?: string[];
  /** Ignore photos of these tasks (the same upload). */
  excludeTaskIds?: string[];
  /** Only photos uploaded at or before this instant ("earlier" photos). */
  uploadedBefore?: Date;
}

export type FileVerdict =
  | { ok: true; inspection: ImageInspection }
  | { ok: false; reason: 'file_missing' | 'file_altered' | 'not_decodable'; detail: string };

export const DEFAULT_MAX_BYTES = 15 * 1024 * 1024;

const FULL_SCAN_BATCH = 5000;

function present(row: PhotoRow): Photo {
  const { phashB0: _0, phashB1: _1, phashB2: _2, phashB3: _3, ...photo } = row;
  return { ...photo, lat: photo.lat === null ? null : Number(photo.lat), lng: photo.lng === null ? null : Number(photo.lng) };
}

/** Counts and hashes bytes as they pass, failing as soon as the limit is crossed. */
class LimitedHasher extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      callback(new PhotoError('photo.too_large', `the photo is larger than ${this.limit} bytes`));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

export class PhotoStore {
  readonly dir: string;
  readonly maxBytes: number;
  private readonly maxPixels: number | undefined;
  private readonly photos: Repository<PhotoRow>;
  private readonly checks: Repository<PhotoCheckRow>;

  constructor(
    private readonly dataSource: DataSource,
    config: PhotoStoreConfig = {},
    private readonly now: () => Date = () => new Date(),
  ) {
    this.dir = path.resolve(config.dir ?? path.join('data', 'photos'));
    this.maxBytes = config.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxPixels = config.maxPixels;
    this.photos = dataSource.getRepository(PhotoEntity);
    this.checks = dataSource.getRepository(PhotoCheckEntity);
  }

  /** Removes part files left by uploads a killed process was receiving (call before serving). */
  sweepPartFiles(): Promise<number> {
    return sweepPartFiles(path.join(this.dir, '.tmp'));
  }

  /**
   * Stores one upload. The same bytes sent twice to the same task give the same row
   * (`created: false`); to another task, a new row sharing the file. Throws PhotoError
   * (`photo.too_large`, `photo.unsupported_type`, `photo.corrupt`) and then keeps nothing.
   */
  async save(input: SavePhotoInput): Promise<{ photo: Photo; created: boolean }> {
    const tmpDir = path.join(this.dir, '.tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, `${randomUUID()}.part`);
    let inspection: ImageInspection;
    try {
      const source = Buffer.isBuffer(input.source) ? Readable.from([input.source]) : input.source;
      const hasher = new LimitedHasher(this.maxBytes);
      await pipeline(source, hasher, createWriteStream(tmp, { flags: 'wx' }));
      const bytes = await readFile(tmp);
      inspection = await inspectImage(bytes, { maxPixels: this.maxPixels });
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }

    const existing = await this.photos.findOneBy({ taskId: input.taskId, sha256: inspection.sha256 });
    if (existing) {
      await rm(tmp, { force: true });
      return { photo: present(existing), created: false };
    }

    const storagePath = [inspection.sha256.slice(0, 2), inspection.sha256.slice(2, 4), `${inspection.sha256}.${inspection.ext}`].join('/');
    const finalPath = path.join(this.dir, storagePath);
    let createdFile = false;
    try {
      await mkdir(path.dirname(finalPath), { recursive: true });
      if (await exists(finalPath)) {
        await rm(tmp, { force: true });
      } else {
        await rename(tmp, finalPath); // same folder tree, so atomic: never a half-written file
        createdFile = true;
      }
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }

    const [b0, b1, b2, b3] = hashBands(inspection.phash);
    const row: PhotoRow = {
      id: randomUUID(),
      sha256: inspection.sha256,
      phash: inspection.phash,
      phashB0: b0, phashB1: b1, phashB2: b2, phashB3: b3,
      mime: inspection.mime,
      bytes: inspection.bytes,
      width: inspection.width,
      height: inspection.height,
      takenAt: inspection.takenAt,
      takenAtRaw: inspection.takenAtRaw?.slice(0, 64) ?? null,
      takenAtOffset: inspection.takenAtOffset,
      lat: inspection.lat,
      lng: inspection.lng,
      storagePath,
      caseId: input.caseId,
      taskId: input.taskId,
      uploadedBy: input.uploadedBy,
      uploadedAt: new Date(Math.floor(this.now().getTime())),
    };
    try {
      await this.photos.insert(row);
      return { photo: present(row), created: true };
    } catch (error) {
      // A concurrent upload of the same bytes to the same task won the unique key: same row.
      const winner = await this.photos.findOneBy({ taskId: input.taskId, sha256: inspection.sha256 });
      if (winner) return { photo: present(winner), created: false };
      if (createdFile && (await this.photos.countBy({ sha256: inspection.sha256 })) === 0) await rm(finalPath, { force: true });
      throw error;
    }
  }

  async get(id: string): Promise<Photo | null> {
    const row = await this.photos.findOneBy({ id });
    return row ? present(row) : null;
  }

  async getMany(ids: string[]): Promise<Map<string, Photo>> {
    const unique = [...new Set(ids.filter((id) => typeof id === 'string' && id.length <= 36))];
    if (!unique.length) return new Map();
    const rows = await this.photos.findBy({ id: In(unique) });
    return new Map(rows.map((row) => [row.id, present(row)]));
  }

  async listByCase(caseId: string): Promise<Photo[]> {
    const rows = await this.photos.find({ where: { caseId }, order: { uploadedAt: 'ASC', id: 'ASC' } });
    return rows.map(present);
  }

  async listByTask(taskId: string): Promise<Photo[]> {
    const rows = await this.photos.find({ where: { taskId }, order: { uploadedAt: 'ASC', id: 'ASC' } });
    return rows.map(present);
  }

  /** The photo and a stream of its bytes; PhotoError `photo.not_found` when there is none. */
  async openReadStream(id: string): Promise<{ photo: Photo; stream: Readable }> {
    const photo = await this.get(id);
    if (!photo) throw new PhotoError('photo.not_found', `no photo ${id}`);
    const file = this.filePath(photo);
    if (!(await exists(file))) throw new PhotoError('photo.not_found', `the file of photo ${id} is missing`);
    return { photo, stream: createReadStream(file) };
  }

  filePath(photo: Pick<Photo, 'storagePath'>): string {
    return path.join(this.dir, ...photo.storagePath.split('/'));
  }

  /**
   * Earlier photos whose pHash is within `maxDistance` bits, nearest first. Multi-index
   * hashing: each of the four 16-bit bands is an indexed column, so the database returns
   * only rows sharing a band value within ⌊d/4⌋ bits (pigeonhole: no match is missed), and
   * the exact distance is checked here. Above d = 11 (more than 137 probes per band) it
   * falls back to a batched scan of the hash column.
   */
  async findSimilar(phash: string, query: SimilarQuery = {}): Promise<SimilarPhoto[]> {
    if (!isPhash(phash)) throw new Error(`not a 16-hex-digit pHash: ${phash}`);
    const maxDistance = query.maxDistance ?? 6;
    const radius = bandProbeRadius(maxDistance);
    const excludeIds = new Set(query.excludeIds ?? []);
    const excludeTasks = new Set(query.excludeTaskIds ?? []);
    const keep = (row: PhotoRow): boolean =>
      !excludeIds.has(row.id) && !excludeTasks.has(row.taskId) && (!query.uploadedBefore || row.uploadedAt.getTime() <= query.uploadedBefore.getTime());

    const candidates = new Map<string, PhotoRow>();
    if (radius <= 2) {
      const bands = hashBands(phash);
      const columns = ['phashB0', 'phashB1', 'phashB2', 'phashB3'] as const;
      for (let band = 0; band < 4; band++) {
        const values = bandNeighbours(bands[band]!, radius);
        const where = { [columns[band]]: In(values), ...(query.uploadedBefore && { uploadedAt: LessThanOrEqual(query.uploadedBefore) }) };
        for (const row of await this.photos.findBy(where)) candidates.set(row.id, row);
      }
    } else {
      // Wide search: read only (id, phash) in keyset-paginated batches, load the matches.
      const near: string[] = [];
      for (let after = ''; ;) {
        const batch = await this.photos.createQueryBuilder('p').select('p.id', 'id').addSelect('p.phash', 'phash')
          .where('p.id > :after', { after }).orderBy('p.id', 'ASC').limit(FULL_SCAN_BATCH).getRawMany<{ id: string; phash: string }>();
        for (const row of batch) if (hammingDistance(phash, row.phash) <= maxDistance) near.push(row.id);
        if (batch.length < FULL_SCAN_BATCH) break;
        after = batch[batch.length - 1]!.id;
      }
      for (let i = 0; i < near.length; i += 500) {
        for (const row of await this.photos.findBy({ id: In(near.slice(i, i + 500)) })) candidates.set(row.id, row);
      }
    }
    const result: SimilarPhoto[] = [];
    for (const row of candidates.values()) {
      if (!keep(row)) continue;
      const distance = hammingDistance(phash, row.phash);
      if (distance <= maxDistance) result.push({ photo: present(row), distance });
    }
    return result.sort((a, b) => a.distance - b.distance || a.photo.uploadedAt.getTime() - b.photo.uploadedAt.getTime());
  }

  /** Photos with exactly these bytes (same SHA-256), with the same filters as findSimilar. */
  async findBySha256(sha256: string, query: Omit<SimilarQuery, 'maxDistance'> = {}): Promise<Photo[]> {
    const rows = await this.photos.find({ where: { sha256 }, order: { uploadedAt: 'ASC', id: 'ASC' } });
    const excludeIds = new Set(query.excludeIds ?? []);
    const excludeTasks = new Set(query.excludeTaskIds ?? []);
    return rows
      .filter((row) => !excludeIds.has(row.id) && !excludeTasks.has(row.taskId) && (!query.uploadedBefore || row.uploadedAt.getTime() <= query.uploadedBefore.getTime()))
      .map(present);
  }

  /** Re-reads a stored photo's file: present, unchanged since upload (SHA-256), still decodable. */
  async verifyFile(photo: Photo): Promise<FileVerdict> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.filePath(photo));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'file_missing', detail: `${photo.storagePath} is missing` };
      throw error;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== photo.sha256) return { ok: false, reason: 'file_altered', detail: `SHA-256 is ${sha256}, recorded ${photo.sha256}` };
    try {
      return { ok: true, inspection: await inspectImage(bytes, { maxPixels: this.maxPixels }) };
    } catch (error) {
      if (isPhotoError(error)) return { ok: false, reason: 'not_decodable', detail: error.detail };
      throw error;
    }
  }

  /** Verdicts already recorded for a job (the worker's idempotency). */
  async checksForJob(jobKey: string): Promise<PhotoCheckRow[]> {
    return this.checks.find({ where: { jobKey }, order: { id: 'ASC' } });
  }

  async checksByCase(caseId: string): Promise<PhotoCheckRow[]> {
    return this.checks.find({ where: { caseId }, order: { checkedAt: 'ASC', id: 'ASC' } });
  }

  /** Records verdicts once per (job key, photo id); rows already there are kept as they are. */
  async recordChecks(rows: Array<Omit<PhotoCheckRow, 'id'>>): Promise<void> {
    if (!rows.length) return;
    await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(PhotoCheckEntity);
      const jobKeys = [...new Set(rows.map((r) => r.jobKey))];
      const existing = await repo.find({ where: { jobKey: In(jobKeys) }, select: { jobKey: true, photoId: true } });
      const seen = new Set(existing.map((r) => `${r.jobKey}\u0000${r.photoId}`));
      for (const row of rows) {
        const key = `${row.jobKey}\u0000${row.photoId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        await repo.insert(row as Parameters<typeof repo.insert>[0]);
      }
    });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
