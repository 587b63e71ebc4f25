/**
 * 执法文件 routes: every signed-in user searches (ranked, with snippets as plain text and
 * offsets), reads and downloads law documents; admins upload them (multipart: `file` plus the
 * metadata fields), edit their metadata and delete them. An upload is streamed to a temporary
 * file and either becomes a whole document or leaves nothing behind.
 */
import type { Context } from 'koa';
import Busboy from 'busboy';
import type { ErrorObject } from 'ajv';
import type { ApiRegistry } from '../api/src/http/route.js';
import { ajv } from '../api/src/validation/ajv.js';
import { DomainError } from '../errors/index.js';
import type { LawLibrary, LawMetadata, StagedFile } from './library.js';
import type { LawStatus } from './entities.js';
import {
  lawDocumentSchema, lawIdParams, lawPageSchema, lawPatchSchema, lawReadQuerySchema, lawSearchQuerySchema, lawSummarySchema, lawUploadFieldsSchema,
  presentDocument, presentHit, presentLaw,
} from './schema.js';

const problem = { description: 'problem', contentType: 'application/problem+json', schema: { $ref: '#/components/schemas/Problem' } };
const asSchema = (s: unknown) => s as Record<string, unknown>;
const validateFields = ajv.compile(lawUploadFieldsSchema);
const multipartFields = 'fields `title`, `issuer`, `effectiveDate` (YYYY-MM-DD), optional `docNumber` (文号) and `status` (effective | repealed), and the file in `file`';

function invalid(errors: ErrorObject[] | null | undefined): DomainError {
  const list = (errors ?? []).map((e) => {
    const p = e.params as { missingProperty?: string; additionalProperty?: string };
    return { field: p.missingProperty ?? p.additionalProperty ?? (e.instancePath.slice(1) || 'body'), message: p.additionalProperty ? `unknown field "${p.additionalProperty}"` : e.message ?? 'is invalid' };
  });
  return new DomainError('request.invalid', `invalid fields: ${list.map((e) => `${e.field} ${e.message}`).join('; ')}`, { errors: list, field: list[0]?.field });
}

interface Upload {
  staged: StagedFile | null;
  filename: string | null;
  fields: Record<string, string>;
}

/** Reads a multipart upload: the `file` part staged in the library, the other parts as fields. */
function receiveUpload(ctx: Context, laws: LawLibrary): Promise<Upload> {
  if (!/^multipart\/form-data/i.test(ctx.get('content-type'))) throw new DomainError('media.unsupported', `send multipart/form-data with ${multipartFields}`, { field: 'file' });
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > laws.maxBytes + 64 * 1024) throw new DomainError('law.too_large', `the upload is ${declared} bytes; at most ${laws.maxBytes}`, { field: 'file' });
  return new Promise<Upload>((resolve, reject) => {
    let busboy: Busboy.Busboy;
    try {
      busboy = Busboy({ headers: ctx.req.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: laws.maxBytes + 1, fields: 10, fieldSize: 2048 } });
    } catch (error) {
      reject(new DomainError('request.invalid', `malformed multipart body: ${(error as Error).message}`, { field: 'file' }));
      return;
    }
    const fields: Record<string, string> = {};
    let staging: Promise<StagedFile> | null = null;
    let filename: string | null = null;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      // answer once what was staged is gone, so nothing is left when the client reads the answer
      if (!staging) return reject(error);
      void staging.then((staged) => staged.discard(), () => undefined).then(() => reject(error));
    };
    let bodyError: DomainError | null = null;
    const malformed = (error: Error) => {
      bodyError ??= new DomainError('request.invalid', `malformed multipart body: ${error.message}`, { field: 'file' });
      const reason = bodyError;
      if (!staging) fail(reason);
      else staging.then(() => fail(reason), () => undefined);
    };
    busboy.on('field', (name, value) => {
      fields[name] = value;
    });
    busboy.on('file', (name, stream, info) => {
      // listen at once: a body cut off inside the part fails this stream before stage() (which
      // awaits a mkdir) pipes it, and an 'error' nobody listens to ends the process
      stream.on('error', malformed);
      if (staging || name !== 'file') {
        stream.resume();
        return;
      }
      filename = info.filename || null;
      staging = laws.stage(stream);
      // the library's own refusal (too large, wrong type) names the problem better than the
      // broken stream it caused; a stream that broke by itself answers as a malformed body
      staging.catch((error: unknown) => fail(error instanceof DomainError ? error : bodyError ?? error));
    });
    busboy.on('error', malformed);
    busboy.on('close', () => {
      if (failed) return;
      if (!staging) {
        resolve({ staged: null, filename, fields });
        return;
      }
      staging.then((staged) => (failed ? staged.discard() : resolve({ staged, filename, fields })), () => undefined);
    });
    ctx.req.pipe(busboy);
  });
}

/** `attachment` with the original name (RFC 6266 / 5987, so Chinese names survive). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function registerLawRoutes(registry: ApiRegistry, deps: { laws: LawLibrary }): void {
  const { laws } = deps;
  const tags = ['laws'];

  registry.add<Record<string, never>, Record<string, never>, unknown>({
    method: 'post', path: '/laws', audit: 'law.upload', access: ['admin'], tags, body: 'multipart',
    summary: `上传执法文件 — upload a law document (PDF, Word .docx, OpenDocument .odt, Markdown, plain text; the type is read from the bytes): ${multipartFields}`,
    responses: { 201: { description: 'the stored document (without its text)', schema: asSchema(lawSummarySchema) }, 400: problem, 401: problem, 403: problem, 409: problem, 413: problem, 415: problem, 422: problem },
    async handler(ctx, { principal }) {
      const upload = await receiveUpload(ctx, laws);
      try {
        if (!upload.staged) throw new DomainError('request.invalid', `no file in the field "file": ${multipartFields}`, { field: 'file' });
        const fields: Record<string, string> = { ...upload.fields };
        for (const [key, value] of Object.entries(fields)) if (value.trim() === '' && (key === 'docNumber' || key === 'status')) delete fields[key];
        if (!validateFields(fields)) throw invalid(validateFields.errors);
        const staged = upload.staged;
        upload.staged = null; // add() owns it now, and discards it whatever happens
        const law = await laws.add(staged, fields as unknown as LawMetadata, { uploadedBy: principal.username, originalName: upload.filename });
        ctx.status = 201;
        ctx.set('Location', `/api/laws/${law.id}`);
        ctx.body = presentLaw(law);
      } finally {
        await upload.staged?.discard();
      }
    },
  });

  registry.add<Record<string, never>, { q?: string; status?: LawStatus; limit: number; offset: number }, unknown>({
    method: 'get', path: '/laws', tags, query: asSchema(lawSearchQuerySchema),
    summary: '执法文件查询 — search law documents in Chinese (ranked: BM25 over bigrams, title weighted; snippets as plain text with highlight offsets), or list them newest first without `q`',
    responses: { 200: { description: 'a page of documents', schema: asSchema(lawPageSchema) }, 400: problem, 401: problem },
    async handler(ctx, { query }) {
      const q = query.q?.trim() || undefined;
      const result = await laws.search({ q, status: query.status, limit: query.limit, offset: query.offset });
      const texts = await laws.texts(result.items.map((i) => i.law.id));
      ctx.body = {
        items: result.items.map((i) => presentHit({ ...i.law, text: texts.get(i.law.id) ?? '' }, i.score, q)),
        total: result.total, limit: query.limit, offset: query.offset,
      };
    },
  });

  registry.add<{ id: string }, { q?: string }, unknown>({
    method: 'get', path: '/laws/:id', tags, params: asSchema(lawIdParams), query: asSchema(lawReadQuerySchema),
    summary: 'one law document with its text (and where the `q` terms occur in it)',
    responses: { 200: { description: 'the document', schema: asSchema(lawDocumentSchema) }, 400: problem, 401: problem, 404: problem },
    async handler(ctx, { params, query }) {
      ctx.body = presentDocument(await laws.require(params.id), query.q?.trim() || undefined);
    },
  });

  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'get', path: '/laws/:id/file', audit: 'law.download', tags, params: asSchema(lawIdParams),
    summary: 'download the original file of a law document',
    responses: { 200: { description: 'the original file', contentType: 'application/octet-stream' }, 400: problem, 401: problem, 404: problem },
    async handler(ctx, { params }) {
      const { law, stream } = await laws.openOriginal(params.id);
      ctx.type = law.mime;
      ctx.set('Content-Disposition', contentDisposition(law.originalName ?? `${law.title}.${law.storagePath.split('.').pop()}`));
      ctx.set('Cache-Control', 'private, max-age=86400, immutable');
      ctx.length = law.bytes;
      ctx.body = stream;
    },
  });

  registry.add<{ id: string }, Record<string, never>, Partial<LawMetadata>>({
    method: 'patch', path: '/laws/:id', audit: 'law.update', access: ['admin'], tags, params: asSchema(lawIdParams), body: asSchema(lawPatchSchema),
    summary: "edit a law document's metadata (title, issuer, 文号, effective date, status: effective | repealed)",
    responses: { 200: { description: 'the document', schema: asSchema(lawSummarySchema) }, 400: problem, 401: problem, 403: problem, 404: problem, 415: problem },
    async handler(ctx, { params, body }) {
      ctx.body = presentLaw(await laws.update(params.id, body));
    },
  });

  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'delete', path: '/laws/:id', audit: 'law.delete', access: ['admin'], tags, params: asSchema(lawIdParams),
    summary: 'delete a law document, its search index entries and its original file',
    responses: { 204: { description: 'deleted' }, 400: problem, 401: problem, 403: problem, 404: problem },
    async handler(ctx, { params }) {
      await laws.remove(params.id);
      ctx.status = 204;
    },
  });
}
