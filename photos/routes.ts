/**
 * Photo routes: upload to a task (multipart, streamed to disk by the photo store; the real
 * type is sniffed from the bytes; oversize uploads are refused from Content-Length before
 * anything is read, and cut off while streaming otherwise), list a task's or a case's photos
 * with the verification flags, and download — all with the case's permissions.
 */
import type { Readable } from 'node:stream';
import type { Context } from 'koa';
import type { DataSource } from 'typeorm';
import Busboy from 'busboy';
import type { ApiRegistry } from '../api/src/http/route.js';
import type { Principal } from '../api/src/http/principal.js';
import { DomainError } from '../errors/index.js';
import { CaseEntity } from '../cases/entities.js';
import { assertCanSeeCase } from '../cases/policy.js';
import { loadVisibleTask } from '../tasks/policy.js';
import { isPhotoError, type PhotoStore, type Photo } from './index.js';

const problem = { description: 'problem', contentType: 'application/problem+json', schema: { $ref: '#/components/schemas/Problem' } };
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', minLength: 1, maxLength: 36 } } };

export const photoSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, taskId: { type: 'string' }, caseId: { type: 'string' }, mime: { type: 'string' }, bytes: { type: 'integer' },
    width: { type: 'integer' }, height: { type: 'integer' }, takenAt: { type: ['string', 'null'] }, lat: { type: ['number', 'null'] },
    lng: { type: ['number', 'null'] }, sha256: { type: 'string' }, uploadedBy: { type: 'string' }, uploadedAt: { type: 'string' },
  },
} as const;

function presentPhoto(p: Photo) {
  const row = p as Photo & { uploadedBy?: string; uploadedAt?: Date };
  return {
    id: p.id, taskId: p.taskId, caseId: p.caseId, mime: p.mime, bytes: p.bytes, width: p.width, height: p.height, takenAt: p.takenAt,
    lat: p.lat, lng: p.lng, sha256: p.sha256, uploadedBy: row.uploadedBy, uploadedAt: row.uploadedAt,
  };
}

function asDomainError(error: unknown): unknown {
  if (isPhotoError(error)) return new DomainError(error.code, error.detail, { field: 'photo', cause: error });
  return error;
}

/** Streams the first file part of a multipart request into the store. */
function receivePhoto(ctx: Context, photos: PhotoStore, save: (stream: Readable) => Promise<Photo>): Promise<Photo> {
  const type = ctx.get('content-type');
  if (!/^multipart\/form-data/i.test(type)) throw new DomainError('media.unsupported', 'upload the photo as multipart/form-data (field "photo")', { field: 'photo' });
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > photos.maxBytes + 64 * 1024) throw new DomainError('photo.too_large', `the upload is ${declared} bytes; at most ${photos.maxBytes}`, { field: 'photo' });
  return new Promise<Photo>((resolve, reject) => {
    let busboy: Busboy.Busboy;
    try {
      busboy = Busboy({ headers: ctx.req.headers, limits: { files: 1, fileSize: photos.maxBytes + 1, fields: 10, fieldSize: 1024 } });
    } catch (error) {
      reject(new DomainError('request.invalid', `malformed multipart body: ${(error as Error).message}`, { field: 'photo' }));
      return;
    }
    let started = false;
    let saving: Promise<unknown> | null = null;
    let bodyError: DomainError | null = null;
    // a broken body answers only once the store is done with what it received, so no part file
    // is left behind when the client reads the answer
    const malformed = (error: Error) => {
      bodyError ??= new DomainError('request.invalid', `malformed multipart body: ${error.message}`, { field: 'photo' });
      if (!saving) reject(bodyError);
    };
    // a client gone mid-upload: end the part being stored, so its .part file is removed now
    // rather than waiting for bytes that never come
    let receiving: Readable | null = null;
    ctx.req.on('close', () => {
      if (ctx.req.complete) return;
      const aborted = new Error('the upload was aborted before its end');
      receiving?.destroy(aborted);
      busboy.destroy(aborted);
    });
    busboy.on('file', (name, stream) => {
      receiving = stream;
      // listen at once: a body cut off inside the part fails this stream before save() (which
      // awaits a mkdir) pipes it, and an 'error' nobody listens to ends the process
      stream.on('error', malformed);
      if (started || name !== 'photo') {
        stream.resume();
        return;
      }
      started = true;
      // the store's own refusal (too large, not an image) names the problem better than the
      // broken stream it caused; a stream that broke by itself answers as a malformed body
      saving = save(stream).then(resolve, (error: unknown) => reject(isPhotoError(error) || error instanceof DomainError ? asDomainError(error) : bodyError ?? error));
    });
    busboy.on('error', malformed);
    busboy.on('close', () => {
      if (!started) reject(new DomainError('request.invalid', 'no file in the field "photo"', { field: 'photo' }));
    });
    ctx.req.pipe(busboy);
  });
}

export function registerPhotoRoutes(registry: ApiRegistry, deps: { dataSource: DataSource; photos: PhotoStore }): void {
  const { dataSource, photos } = deps;

  async function visiblePhoto(principal: Principal, id: string): Promise<Photo> {
    const photo = await photos.get(id);
    if (!photo) throw new DomainError('photo.not_found', `no photo ${id}`);
    const row = await dataSource.getRepository(CaseEntity).findOne({ where: { id: photo.caseId } });
    if (!row) throw new DomainError('photo.not_found', `no photo ${id}`);
    try {
      await assertCanSeeCase(dataSource, principal, row);
    } catch {
      // the one who uploaded it to a task they hold may always read it back
      const task = await loadVisibleTask(dataSource, principal, photo.taskId).catch(() => null);
      if (!task) throw new DomainError('photo.not_found', `no photo ${id}`);
    }
    return photo;
  }

  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'post', path: '/tasks/:id/photos', audit: 'photo.upload', summary: '上传照片 — upload a photo to a task I am working on (JPEG, PNG, HEIC, WebP)', tags: ['photos'],
    params: idParams, body: 'multipart',
    responses: { 201: { description: 'the stored photo (the same bytes again answer 200 with the same photo)', schema: photoSchema }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 413: problem, 415: problem, 422: problem },
    async handler(ctx, { params, principal }) {
      const { task, candidate } = await loadVisibleTask(dataSource, principal, params.id);
      if (task.state !== 'created') throw new DomainError('task.already_completed', `task ${task.id} is ${task.state}`);
      if (task.assignee ? task.assignee !== principal.username : !candidate) throw new DomainError('auth.forbidden', 'only the person working on the task can add photos');
      let created = true;
      const photo = await receivePhoto(ctx, photos, async (stream) => {
        const result = await photos.save({ source: stream as never, caseId: task.caseId, taskId: task.id, uploadedBy: principal.username });
        created = result.created;
        return result.photo;
      });
      ctx.status = created ? 201 : 200;
      ctx.set('Location', `/api/photos/${photo.id}`);
      ctx.body = presentPhoto(photo);
    },
  });

  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'get', path: '/tasks/:id/photos', summary: "a task's photos", tags: ['photos'], params: idParams,
    responses: { 200: { description: 'photos', schema: { type: 'array', items: photoSchema } }, 401: problem, 404: problem },
    async handler(ctx, { params, principal }) {
      const { task } = await loadVisibleTask(dataSource, principal, params.id);
      ctx.body = (await photos.listByTask(task.id)).map(presentPhoto);
    },
  });

  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'get', path: '/cases/:id/photos', summary: "a case's photos with their verification results (flags: time, place, re-use)", tags: ['photos'], params: idParams,
    responses: { 200: { description: 'photos and checks' }, 401: problem, 404: problem },
    async handler(ctx, { params, principal }) {
      const row = await dataSource.getRepository(CaseEntity).findOne({ where: { id: params.id } });
      if (!row) throw new DomainError('case.not_found', `no case ${params.id}`);
      await assertCanSeeCase(dataSource, principal, row);
      const [list, checks] = await Promise.all([photos.listByCase(row.id), photos.checksByCase(row.id)]);
      ctx.body = list.map((p) => ({ ...presentPhoto(p), checks: checks.filter((c) => c.photoId === p.id).map((c) => ({ phase: c.phase, passed: c.passed, flags: c.flags, checkedAt: c.checkedAt })) }));
    },
  });

  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'get', path: '/photos/:id', summary: 'one photo (metadata)', tags: ['photos'], params: idParams,
    responses: { 200: { description: 'the photo', schema: photoSchema }, 401: problem, 404: problem },
    async handler(ctx, { params, principal }) {
      ctx.body = presentPhoto(await visiblePhoto(principal, params.id));
    },
  });

  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'get', path: '/photos/:id/file', audit: 'photo.download', summary: 'download the photo file', tags: ['photos'], params: idParams,
    responses: { 200: { description: 'the image', contentType: 'image/*' }, 401: problem, 404: problem },
    async handler(ctx, { params, principal }) {
      const photo = await visiblePhoto(principal, params.id);
      const { stream } = await photos.openReadStream(photo.id).catch((error: unknown) => {
        throw asDomainError(error);
      });
      ctx.type = photo.mime;
      ctx.set('Cache-Control', 'private, max-age=86400, immutable');
      ctx.set('Content-Disposition', `inline; filename="${photo.id}"`);
      ctx.body = stream;
    },
  });
}
