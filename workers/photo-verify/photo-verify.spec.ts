import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { PhotoCheckEntity, PhotoStore, type Photo } from '../../photos/index.js';
import { jpeg, png, reencoded, type PhotoSpec } from '../../photos/test-images.js';
import { runJob, type JobContext } from '../contract.js';
import { createPhotoVerifyWorker, type PhotoCheckResult, type PhotoVerifyConfig, type TaskClock } from './index.js';
import { wgs84ToGcj02 } from './geo.js';

const CASE_PLACE = { lng: 121.4737, lat: 31.2304 }; // 上海人民广场, WGS-84
const METRE_LAT = 1 / 111_195;
const TASK_CREATED = new Date('2024-11-24T02:00:00Z'); // 10:00 in Shanghai
const MINUTE = 60_000;

/** EXIF wall-clock text for an instant, in Shanghai time (as a phone there writes it). */
function exifTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':');
}

function job(jobKey: string, phase: string, photosVariable = 'photos', resultVariable = 'photoCheck'): JobContext {
  return {
    jobKey, type: 'photo-verify', processInstanceKey: 'pi-1', bpmnProcessId: 'enforcement-case', processVersion: 1,
    elementId: 'checkPhotos', headers: { phase, photosVariable, resultVariable }, retries: 3,
  };
}

describe('photo-verify worker', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let dir: string;
  let store: PhotoStore;
  let uploadAt: Date;
  const taskCreated = new Map<string, Date>();
  const taskClock: TaskClock = { taskCreatedAt: async (taskId) => taskCreated.get(taskId) ?? null };
  let seq = 0;

  beforeEach(async () => {
    db = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-photo-verify-'));
    uploadAt = new Date(TASK_CREATED.getTime() + 30 * MINUTE);
    store = new PhotoStore(db.dataSource, { dir }, () => uploadAt);
    taskCreated.clear();
    for (const task of ['verify-A', 'enforce-A', 'recheck-A', 'verify-B']) taskCreated.set(task, TASK_CREATED);
  });

  afterEach(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function upload(spec: PhotoSpec & { bytes?: Buffer }, taskId = 'verify-A', caseId = 'case-A'): Promise<Photo> {
    const bytes = spec.bytes ?? (await jpeg({ seed: 100 + seq++, ...spec }));
    return (await store.save({ source: bytes, caseId, taskId, uploadedBy: 'inspector1' })).photo;
  }

  const onSite = (minutesAfterTask = 5, metresNorth = 30): PhotoSpec => ({
    takenAt: exifTime(new Date(TASK_CREATED.getTime() + minutesAfterTask * MINUTE)),
    gps: { lng: CASE_PLACE.lng, lat: CASE_PLACE.lat + metresNorth * METRE_LAT },
  });

  async function check(ids: unknown, options: { phase?: string; caseId?: string; location?: unknown; jobKey?: string; config?: PhotoVerifyConfig; extra?: Record<string, unknown> } = {}): Promise<PhotoCheckResult> {
    const worker = createPhotoVerifyWorker({ photos: store, taskClock, config: options.config });
    const variables = { caseId: options.caseId ?? 'case-A', location: options.location === undefined ? CASE_PLACE : options.location, photos: ids, ...options.extra };
    const outcome = await runJob(worker as never, variables, job(options.jobKey ?? `job-${seq++}`, options.phase ?? 'verify'));
    if (outcome.kind !== 'complete') throw new Error(`job did not complete: ${JSON.stringify(outcome)}`);
    return outcome.variables.photoCheck as PhotoCheckResult;
  }

  const codes = (result: PhotoCheckResult, index = 0) => result.photos[index]!.flags.map((f) => f.code);

  it('passes a whole photo taken on site after the task was created, and records the verdict', async () => {
    const photo = await upload(onSite());
    const result = await check([photo.id], { jobKey: 'job-ok' });
    expect(result).to.deep.equal({ passed: true, phase: 'verify', photos: [{ photoId: photo.id, passed: true, flags: [] }] });
    const rows = await db.dataSource.getRepository(PhotoCheckEntity).find();
    expect(rows.map((r) => [r.jobKey, r.photoId, r.caseId, r.phase, r.passed])).to.deep.equal([['job-ok', photo.id, 'case-A', 'verify', true]]);
  });

  it('time window edges: 10 minutes of skew before the task and after the upload', async () => {
    const skewEdgeEarly = await upload({ ...onSite(), takenAt: exifTime(new Date(TASK_CREATED.getTime() - 10 * MINUTE)) });
    const tooEarly = await upload({ ...onSite(), takenAt: exifTime(new Date(TASK_CREATED.getTime() - 10 * MINUTE - 1000)) });
    const skewEdgeLate = await upload({ ...onSite(), takenAt: exifTime(new Date(uploadAt.getTime() + 10 * MINUTE)) });
    const tooLate = await upload({ ...onSite(), takenAt: exifTime(new Date(uploadAt.getTime() + 10 * MINUTE + 1000)) });
    const result = await check([skewEdgeEarly.id, tooEarly.id, skewEdgeLate.id, tooLate.id]);
    expect(result.photos.map((p) => p.flags.map((f) => f.code))).to.deep.equal([[], ['taken_before_task'], [], ['taken_in_future']]);
    expect(result.passed).to.equal(false);
    const early = result.photos[1]!.flags[0]!;
    expect(early.message).to.contain('照片拍摄于任务派发之前').and.contain('09:49:59').and.contain('10:00:00');
    expect(early.detail).to.include({ minutesEarly: 10 });
  });

  it('an offset in the EXIF is honoured; a time without one is read as Shanghai time', async () => {
    // 03:00 in Tokyo (+09:00) is 02:00 in Shanghai: an hour before the task, so flagged
    const tokyo = await upload({ ...onSite(), takenAt: exifTime(new Date(TASK_CREATED.getTime() + 5 * MINUTE)).replace(/ \d\d/, ' 10'), offset: '+09:00' });
    const result = await check([tokyo.id]);
    expect(codes(result)).to.deep.equal(['taken_before_task']);
  });

  it('flags a photo without EXIF time, an absurd date and a blank camera clock', async () => {
    const none = await upload({ gps: onSite().gps });
    const y1999 = await upload({ ...onSite(), takenAt: '1999:12:31 12:00:00' });
    const zero = await upload({ ...onSite(), takenAt: '0000:00:00 00:00:00' });
    const result = await check([none.id, y1999.id, zero.id]);
    expect(result.photos.map((p) => p.flags.map((f) => f.code))).to.deep.equal([['no_exif_time'], ['exif_time_invalid'], ['exif_time_invalid']]);
    expect(result.photos[0]!.flags[0]!.message).to.match(/[\u4e00-\u9fff]/);
  });

  it('flags a photo without GPS and one taken far away, with the distance', async () => {
    const noGps = await upload({ takenAt: onSite().takenAt });
    const far = await upload(onSite(5, 500));
    const edge = await upload(onSite(5, 195));
    const result = await check([noGps.id, far.id, edge.id]);
    expect(codes(result, 0)).to.deep.equal(['no_gps']);
    expect(codes(result, 1)).to.deep.equal(['too_far']);
    expect(result.photos[1]!.flags[0]!.detail!.distanceMeters).to.be.within(498, 502);
    expect(result.photos[1]!.flags[0]!.message).to.contain('米');
    expect(codes(result, 2)).to.deep.equal([]);
    const wider = await check([far.id], { config: { maxDistanceMeters: 600 } });
    expect(wider.passed).to.equal(true);
  });

  it('converts a GCJ-02 case location to WGS-84 before comparing (the offset is ~500 m in Shanghai)', async () => {
    const photo = await upload(onSite(5, 0));
    const gcj = wgs84ToGcj02(CASE_PLACE);
    const declared = await check([photo.id], { location: { ...gcj, coordinateSystem: 'gcj02' } });
    expect(declared.passed).to.equal(true);
    const byConfig = await check([photo.id], { location: gcj, config: { coordinateSystem: 'gcj02' } });
    expect(byConfig.passed).to.equal(true);
    const byVariable = await check([photo.id], { location: gcj, extra: { coordinateSystem: 'gcj02' } });
    expect(byVariable.passed).to.equal(true);
    const misread = await check([photo.id], { location: gcj });
    expect(codes(misread)).to.deep.equal(['too_far']);
  });

  it('flags a "before" photo uploaded again as "after" (re-encoded, resized) and an exact copy in another case', async () => {
    const original = await jpeg({ seed: 7, quality: 92, ...onSite() });
    const before = await upload({ bytes: original }, 'verify-A');
    uploadAt = new Date(uploadAt.getTime() + 60 * MINUTE);
    const again = await upload({ bytes: await reencoded(original, { scale: 0.85, quality: 60 }) }, 'recheck-A');
    const fresh = await upload({ seed: 8, ...onSite(40) }, 'recheck-A');
    const copy = await upload({ bytes: original }, 'verify-B', 'case-B');

    const recheck = await check([again.id, fresh.id], { phase: 'recheck' });
    const reused = recheck.photos[0]!.flags.find((f) => f.code === 'reused')!;
    expect(reused, JSON.stringify(recheck)).to.not.equal(undefined);
    expect(reused.detail).to.include({ photoId: before.id, caseId: 'case-A', exact: false });
    expect(reused.detail!.distance as number).to.be.at.most(6);
    expect(reused.message).to.contain('本案件此前环节');
    expect(codes(recheck, 1)).to.not.include('reused');

    const other = await check([copy.id], { caseId: 'case-B', jobKey: 'job-B' });
    const exact = other.photos[0]!.flags.find((f) => f.code === 'reused')!;
    expect(exact.detail).to.include({ photoId: before.id, caseId: 'case-A', exact: true, distance: 0 });
    expect(exact.message).to.contain('案件 case-A').and.contain('完全相同');

    // the first upload is not flagged by the later copies (only earlier photos count)
    expect(codes(await check([before.id]))).to.not.include('reused');
  });

  it('does not flag two similar shots of the same upload (one task)', async () => {
    const original = await jpeg({ seed: 9, ...onSite() });
    const a = await upload({ bytes: original });
    const b = await upload({ bytes: await reencoded(original, { scale: 0.9, quality: 70 }) });
    const result = await check([a.id, b.id]);
    expect(result.passed, JSON.stringify(result)).to.equal(true);
  });

  it('flags missing ids, photos of another case and a file altered on disk; no photos is not a pass', async () => {
    const mine = await upload(onSite());
    const theirs = await upload(onSite(), 'verify-B', 'case-B');
    const altered = await upload({ ...onSite(), bytes: await png({ seed: 3, ...onSite() }) });
    fs.appendFileSync(store.filePath(altered), 'tampered');
    const result = await check([mine.id, 'no-such-photo', theirs.id, altered.id, { id: mine.id }]);
    expect(result.photos.map((p) => p.photoId)).to.deep.equal([mine.id, 'no-such-photo', theirs.id, altered.id]);
    expect(result.photos.map((p) => p.flags.map((f) => f.code))).to.deep.equal([[], ['missing'], ['other_case'], ['file_altered']]);
    const empty = await check(null);
    expect(empty).to.deep.include({ passed: false, noPhotos: true, photos: [] });
  });

  it('notes a missing or invalid case location instead of failing', async () => {
    const photo = await upload(onSite(5, 5000));
    const none = await check([photo.id], { location: null });
    expect(none.passed).to.equal(true);
    expect(none.locationNote).to.contain('案件没有位置');
    const bad = await check([photo.id], { location: { lng: 500, lat: 31 } });
    expect(bad.locationNote).to.contain('无效');
  });

  it('is idempotent by job key: a retried job returns the recorded verdicts and writes nothing new', async () => {
    const photo = await upload({ takenAt: onSite().takenAt });
    const first = await check([photo.id], { jobKey: 'job-retry' });
    taskCreated.set('verify-A', new Date(TASK_CREATED.getTime() + 24 * 60 * MINUTE)); // would now flag the time
    const second = await check([photo.id], { jobKey: 'job-retry' });
    expect(second).to.deep.equal(first);
    expect(await db.dataSource.getRepository(PhotoCheckEntity).count()).to.equal(1);
  });

  it('fails (to be retried) on infrastructure errors and on missing headers, never on bad photos', async () => {
    const photo = await upload(onSite());
    const broken = createPhotoVerifyWorker({ photos: store, taskClock: { taskCreatedAt: async () => { throw new Error('database is down'); } } });
    const outcome = await runJob(broken as never, { caseId: 'case-A', location: CASE_PLACE, photos: [photo.id] }, job('job-x', 'verify'));
    expect(outcome).to.deep.include({ kind: 'fail', permanent: false });
    expect((outcome as { message: string }).message).to.contain('database is down');
    const worker = createPhotoVerifyWorker({ photos: store, taskClock });
    const noHeader = await runJob(worker as never, { photos: [photo.id] }, { ...job('job-y', 'verify'), headers: { phase: 'later' } });
    expect(noHeader.kind).to.equal('fail');
    const result = await runJob(worker as never, { caseId: 42, location: 'nowhere', photos: [photo.id, 17, null] }, job('job-z', 'enforce', 'photos', 'enforcePhotoCheck'));
    expect(result.kind).to.equal('complete');
    expect(Object.keys((result as { variables: object }).variables)).to.deep.equal(['enforcePhotoCheck']);
  });
});
