import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { PhotoEntity } from './entities.js';
import { isPhotoError, type PhotoErrorCode } from './errors.js';
import { PhotoStore } from './store.js';
import { jpeg, png, reencoded } from './test-images.js';

/** Every file under `dir` (relative), the temp folder included. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

async function refusal(promise: Promise<unknown>): Promise<PhotoErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (isPhotoError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a PhotoError');
}

describe('photos: PhotoStore', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let dir: string;
  let store: PhotoStore;
  let clock: number;

  beforeEach(async () => {
    db = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-photos-'));
    clock = Date.parse('2024-11-24T02:00:00Z');
    store = new PhotoStore(db.dataSource, { dir, maxBytes: 2 * 1024 * 1024 }, () => new Date(clock++ * 1));
  });

  afterEach(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('streams an upload to a content-addressed file and records it with its EXIF facts', async () => {
    const bytes = await jpeg({ seed: 1, takenAt: '2024:11:24 10:05:00', gps: { lat: 31.2304, lng: 121.4737 } });
    const chunks = [bytes.subarray(0, 1000), bytes.subarray(1000, 5000), bytes.subarray(5000)];
    const { photo, created } = await store.save({ source: Readable.from(chunks), caseId: 'case-1', taskId: 'task-1', uploadedBy: 'inspector1' });
    expect(created).to.equal(true);
    expect(photo.id).to.match(/^[0-9a-f-]{36}$/);
    expect(photo.storagePath).to.equal(`${photo.sha256.slice(0, 2)}/${photo.sha256.slice(2, 4)}/${photo.sha256}.jpg`);
    expect(fs.readFileSync(path.join(dir, photo.storagePath)).equals(bytes)).to.equal(true);
    expect(filesUnder(dir)).to.deep.equal([photo.storagePath]);

    const again = await store.get(photo.id);
    expect(again).to.deep.include({ mime: 'image/jpeg', bytes: bytes.length, width: 640, height: 480, caseId: 'case-1', taskId: 'task-1', uploadedBy: 'inspector1' });
    expect(again!.takenAt!.toISOString()).to.equal('2024-11-24T02:05:00.000Z');
    expect(again!.lat).to.be.closeTo(31.2304, 1e-6);
    expect(again!.phash).to.equal(photo.phash);
    expect(again!.uploadedAt.toISOString()).to.equal('2024-11-24T02:00:00.000Z');

    const { stream } = await store.openReadStream(photo.id);
    const read: Buffer[] = [];
    for await (const chunk of stream) read.push(chunk as Buffer);
    expect(Buffer.concat(read).equals(bytes)).to.equal(true);
    expect(await refusal(store.openReadStream('00000000-0000-0000-0000-000000000000'))).to.equal('photo.not_found');
  });

  it('is idempotent per task: same bytes to the same task give the same row, to another task a new row on the same file', async () => {
    const bytes = await png({ seed: 2 });
    const first = await store.save({ source: bytes, caseId: 'case-1', taskId: 'task-1', uploadedBy: 'inspector1' });
    const second = await store.save({ source: Readable.from([bytes]), caseId: 'case-1', taskId: 'task-1', uploadedBy: 'inspector1' });
    expect(second.created).to.equal(false);
    expect(second.photo.id).to.equal(first.photo.id);
    const other = await store.save({ source: bytes, caseId: 'case-2', taskId: 'task-9', uploadedBy: 'officer1' });
    expect(other.created).to.equal(true);
    expect(other.photo.id).to.not.equal(first.photo.id);
    expect(other.photo.storagePath).to.equal(first.photo.storagePath);
    expect(filesUnder(dir)).to.deep.equal([first.photo.storagePath]);
    expect(await db.dataSource.getRepository(PhotoEntity).count()).to.equal(2);

    // concurrent double submit of one photo to one task: one row
    const third = await png({ seed: 3 });
    const results = await Promise.all([1, 2, 3].map(() => store.save({ source: third, caseId: 'case-1', taskId: 'task-1', uploadedBy: 'inspector1' })));
    expect(new Set(results.map((r) => r.photo.id)).size).to.equal(1);
    expect((await store.listByTask('task-1')).map((p) => p.id)).to.deep.equal([first.photo.id, results[0]!.photo.id]);
    expect((await store.listByCase('case-1')).length).to.equal(2);
    expect((await store.listByCase('case-2')).map((p) => p.id)).to.deep.equal([other.photo.id]);
  });

  it('refuses an oversize stream while it is streaming and keeps nothing', async () => {
    let produced = 0;
    const endless = new Readable({
      read() {
        produced += 64 * 1024;
        this.push(produced > 8 * 1024 * 1024 ? null : Buffer.alloc(64 * 1024, 0xff));
      },
    });
    expect(await refusal(store.save({ source: endless, caseId: 'c', taskId: 't', uploadedBy: 'u' }))).to.equal('photo.too_large');
    expect(produced).to.be.below(4 * 1024 * 1024); // stopped soon after the 2 MB limit, not read to the end
    expect(filesUnder(dir)).to.deep.equal([]);
    expect(await db.dataSource.getRepository(PhotoEntity).count()).to.equal(0);
  });

  it('refuses a non-image and a truncated image and keeps nothing', async () => {
    const text = Buffer.from('not a photo at all, but named photo.jpg by the client');
    expect(await refusal(store.save({ source: text, caseId: 'c', taskId: 't', uploadedBy: 'u' }))).to.equal('photo.unsupported_type');
    const bytes = await jpeg({ seed: 4 });
    expect(await refusal(store.save({ source: bytes.subarray(0, bytes.length >> 1), caseId: 'c', taskId: 't', uploadedBy: 'u' }))).to.equal('photo.corrupt');
    expect(filesUnder(dir)).to.deep.equal([]);
    expect(await db.dataSource.getRepository(PhotoEntity).count()).to.equal(0);
  });

  it('finds earlier similar photos by pHash through the band index, and exact twins by SHA-256', async () => {
    const original = await jpeg({ seed: 21, quality: 90 });
    const before = await store.save({ source: original, caseId: 'case-1', taskId: 'verify-1', uploadedBy: 'inspector1' });
    const others = [];
    for (let seed = 30; seed < 40; seed++) others.push((await store.save({ source: await jpeg({ seed }), caseId: `case-${seed}`, taskId: `t-${seed}`, uploadedBy: 'x' })).photo);
    const reused = await store.save({ source: await reencoded(original, { scale: 0.8, quality: 55 }), caseId: 'case-1', taskId: 'recheck-1', uploadedBy: 'inspector2' });

    const similar = await store.findSimilar(reused.photo.phash, { maxDistance: 6, excludeIds: [reused.photo.id] });
    expect(similar.map((s) => s.photo.id)).to.deep.equal([before.photo.id]);
    expect(similar[0]!.distance).to.be.at.most(6);
    expect(await store.findSimilar(reused.photo.phash, { excludeTaskIds: ['verify-1', 'recheck-1'] })).to.deep.equal([]);
    expect(await store.findSimilar(others[0]!.phash, { excludeIds: [others[0]!.id] })).to.deep.equal([]);
    expect(await store.findSimilar(reused.photo.phash, { uploadedBefore: new Date(before.photo.uploadedAt.getTime() - 1) })).to.deep.equal([]);

    // the wide search (scan) agrees with the band index on what it finds within 6 bits
    const wide = await store.findSimilar(reused.photo.phash, { maxDistance: 20 });
    expect(wide.filter((s) => s.distance <= 6).map((s) => s.photo.id).sort()).to.deep.equal([before.photo.id, reused.photo.id].sort());

    const twin = await store.save({ source: original, caseId: 'case-7', taskId: 'verify-7', uploadedBy: 'inspector3' });
    expect((await store.findBySha256(twin.photo.sha256, { excludeIds: [twin.photo.id] })).map((p) => p.id)).to.deep.equal([before.photo.id]);
  });

  it('re-verifies a stored file: intact, altered on disk, missing', async () => {
    const { photo } = await store.save({ source: await jpeg({ seed: 5 }), caseId: 'c', taskId: 't', uploadedBy: 'u' });
    expect((await store.verifyFile(photo)).ok).to.equal(true);
    const file = store.filePath(photo);
    fs.writeFileSync(file, Buffer.concat([fs.readFileSync(file), Buffer.from('x')]));
    expect(await store.verifyFile(photo)).to.deep.include({ ok: false, reason: 'file_altered' });
    fs.rmSync(file);
    expect(await store.verifyFile(photo)).to.deep.include({ ok: false, reason: 'file_missing' });
  });

  it('records photo checks once per job key and photo', async () => {
    const row = { jobKey: 'job-1', photoId: 'p1', caseId: 'case-1', phase: 'verify', passed: false, flags: [{ code: 'no_gps', message: '照片缺少GPS位置信息' }], checkedAt: new Date('2024-11-24T02:00:00Z') };
    await store.recordChecks([row, { ...row, photoId: 'p2', passed: true, flags: [] }]);
    await store.recordChecks([{ ...row, passed: true, flags: [] }]);
    const rows = await store.checksForJob('job-1');
    expect(rows.map((r) => [r.photoId, r.passed])).to.deep.equal([['p1', false], ['p2', true]]);
    expect(rows[0]!.flags).to.deep.equal(row.flags);
    expect((await store.checksByCase('case-1')).length).to.equal(2);
  });
});
