/** Request and response schemas of the law routes (ajv validates with them; OpenAPI documents them), and the presenters. */
import { highlightRanges, snippet } from './highlight.js';
import { lawStatuses, type LawDocumentRow } from './entities.js';
import type { LawSummary } from './search.js';

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '\\S' });

export const lawMetadataProperties = {
  title: text(200),
  issuer: text(100),
  docNumber: { type: ['string', 'null'], maxLength: 100 },
  effectiveDate: { type: 'string', format: 'date' },
  status: { type: 'string', enum: [...lawStatuses] },
} as const;

/** The multipart fields of an upload (besides the file). */
export const lawUploadFieldsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'issuer', 'effectiveDate'],
  properties: { ...lawMetadataProperties, docNumber: { type: 'string', maxLength: 100 } },
} as const;

export const lawPatchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: lawMetadataProperties,
} as const;

export const lawSearchQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: 100 },
    status: { type: 'string', enum: [...lawStatuses] },
    limit: { type: 'integer', minimum: 1, maximum: 50, default: 20 },
    offset: { type: 'integer', minimum: 0, maximum: 10000, default: 0 },
  },
} as const;

export const lawReadQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { q: { type: 'string', maxLength: 100 } },
} as const;

export const lawIdParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', pattern: '^[0-9a-fA-F-]{1,36}$' } } } as const;

const range = { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2, description: '[start, end) in UTF-16 code units' };

export const lawSummarySchema = {
  type: 'object',
  required: ['id', 'title', 'issuer', 'docNumber', 'effectiveDate', 'status', 'format', 'bytes'],
  properties: {
    id: { type: 'string' }, title: { type: 'string' }, issuer: { type: 'string' }, docNumber: { type: ['string', 'null'] },
    effectiveDate: { type: 'string', format: 'date' }, status: { type: 'string', enum: [...lawStatuses] },
    format: { type: 'string' }, mime: { type: 'string' }, originalName: { type: ['string', 'null'] }, bytes: { type: 'integer' },
    sha256: { type: 'string' }, uploadedBy: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const lawHitSchema = {
  type: 'object',
  properties: {
    ...lawSummarySchema.properties,
    score: { type: ['number', 'null'], description: 'BM25 score (null when listing without a query)' },
    titleHighlights: { type: 'array', items: range },
    snippet: {
      type: 'object',
      description: 'plain text with the ranges to mark; no markup',
      properties: { text: { type: 'string' }, highlights: { type: 'array', items: range }, cutStart: { type: 'boolean' }, cutEnd: { type: 'boolean' } },
    },
  },
} as const;

export const lawPageSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: lawHitSchema }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } },
} as const;

export const lawDocumentSchema = {
  type: 'object',
  properties: {
    ...lawSummarySchema.properties,
    text: { type: 'string', description: 'the text read out of the file, one paragraph a line' },
    highlights: { type: 'array', items: range, description: 'where the `q` terms occur in `text`' },
  },
} as const;

export function presentLaw(law: LawSummary) {
  return {
    id: law.id, title: law.title, issuer: law.issuer, docNumber: law.docNumber, effectiveDate: law.effectiveDate, status: law.status,
    format: law.format, mime: law.mime, originalName: law.originalName, bytes: law.bytes, sha256: law.sha256, uploadedBy: law.uploadedBy,
    createdAt: law.createdAt, updatedAt: law.updatedAt,
  };
}

export function presentHit(law: LawDocumentRow, score: number | null, q: string | undefined) {
  return {
    ...presentLaw(law),
    score,
    titleHighlights: q ? highlightRanges(law.title, q) : [],
    snippet: snippet(law.text, q ?? '', 120),
  };
}

export function presentDocument(law: LawDocumentRow, q: string | undefined) {
  return { ...presentLaw(law), text: law.text, highlights: q ? highlightRanges(law.text, q) : [] };
}
