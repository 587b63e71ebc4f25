/** Request schemas of cases (ajv; the OpenAPI document is built from the same objects). */
import type { CaseSource } from './entities.js';
import { maxRowId } from '../api/src/validation/bounds.js';

export const caseSources: CaseSource[] = ['sms', 'hotline', 'leader', 'patrol', 'web'];

export const locationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['lng', 'lat'],
  properties: {
    lng: { type: 'number', minimum: -180, maximum: 180 },
    lat: { type: 'number', minimum: -90, maximum: 90 },
  },
} as const;

export const newCaseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'category', 'description', 'address'],
  properties: {
    source: { type: 'string', enum: caseSources },
    category: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
    description: { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' },
    address: { type: 'string', minLength: 1, maxLength: 255, pattern: '\\S' },
    location: { anyOf: [locationSchema, { type: 'null' }] },
    reporterPhone: { anyOf: [{ type: 'string', pattern: '^\\+?[0-9]{5,15}$' }, { type: 'null' }] },
    relatedCaseId: { anyOf: [{ type: 'string', minLength: 1, maxLength: 36 }, { type: 'null' }] },
  },
} as const;

export interface NewCase {
  source: CaseSource;
  category: string;
  description: string;
  address: string;
  location?: { lng: number; lat: number } | null;
  reporterPhone?: string | null;
  /** The closed case this one follows up (关联原案件). */
  relatedCaseId?: string | null;
}

/** The longest reason a dispatcher may give for reopening a case. */
export const reopenReasonMaxLength = 500;

/** 重新开启: the reason (required, not blank) and the repeat SMS that brought the case back, if any. */
export const reopenCaseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: {
    reason: { type: 'string', minLength: 1, maxLength: reopenReasonMaxLength, pattern: '\\S', description: 'why the case is reopened (shown in its timeline)' },
    messageId: { type: 'integer', minimum: 1, maximum: maxRowId, description: 'the complaint SMS that brought the case back: linked to the case and marked handled in the same transaction' },
  },
} as const;

export interface ReopenCase {
  reason: string;
  messageId?: number;
}
