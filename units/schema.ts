/**
 * Input shapes and ajv schemas for the admin of units, officers, rosters, categories and areas.
 * The API validates request bodies with these; the store validates again (it is also used by
 * the seed and scripts), and area uploads get their geometry checked in units/area-upload.ts.
 */
import { ajv } from '../api/src/validation/ajv.js';
import type { AreaKind, Shift } from './entities.js';

export const unitIdPattern = '^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$';
export const codePattern = '^[a-z][a-z0-9-]*$';
const datePattern = '^\\d{4}-\\d{2}-\\d{2}$';
/**
 * No lone UTF-16 surrogate: the database stores one as U+FFFD, so the name looked up (with the
 * surrogate) would never match the row saved and a second save would hit the unique key (500).
 * ajv compiles patterns with the `u` flag, where a well-formed pair is one code point outside
 * this class and only a lone surrogate falls in it.
 */
export const wellFormedPattern = '^[^\\uD800-\\uDFFF]*$';
const usernameSchema = { type: 'string', minLength: 1, maxLength: 128, pattern: wellFormedPattern, description: 'well-formed Unicode (no lone surrogate)' } as const;
const unitIdSchema = { type: 'string', minLength: 1, maxLength: 32, pattern: unitIdPattern } as const;
const phoneSchema = { type: ['string', 'null'], maxLength: 32 } as const;

export interface UnitInput {
  id: string;
  name: string;
  kind?: string;
  phone?: string | null;
  active?: boolean;
}

export const unitInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name'],
  properties: {
    id: unitIdSchema,
    name: { type: 'string', minLength: 1, maxLength: 128 },
    kind: { type: 'string', minLength: 1, maxLength: 32 },
    phone: phoneSchema,
    active: { type: 'boolean' },
  },
} as const;

export interface OfficerInput {
  username: string;
  displayName: string;
  unitId: string;
  phone?: string | null;
  /** ISO weekdays 1 (Mon) … 7 (Sun). */
  dutyWeekdays?: number[];
  active?: boolean;
}

export const officerInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'displayName', 'unitId'],
  properties: {
    username: usernameSchema,
    displayName: { type: 'string', minLength: 1, maxLength: 128 },
    unitId: unitIdSchema,
    phone: phoneSchema,
    dutyWeekdays: { type: 'array', uniqueItems: true, maxItems: 7, items: { type: 'integer', minimum: 1, maximum: 7 } },
    active: { type: 'boolean' },
  },
} as const;

export interface PositionInput {
  lng: number;
  lat: number;
  /** When the position was taken (default now). */
  at?: string;
}

export const positionInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['lng', 'lat'],
  properties: {
    lng: { type: 'number', minimum: -180, maximum: 180 },
    lat: { type: 'number', minimum: -90, maximum: 90 },
    at: { type: 'string', format: 'date-time' },
  },
} as const;

export interface RosterEntryInput {
  username: string;
  /** Asia/Shanghai date `YYYY-MM-DD`. */
  date: string;
  shift?: Shift;
  onDuty?: boolean;
}

export const rosterInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['entries'],
  properties: {
    entries: {
      type: 'array',
      maxItems: 5000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'date'],
        properties: {
          username: usernameSchema,
          date: { type: 'string', pattern: datePattern },
          shift: { enum: ['day', 'night', 'full'] },
          onDuty: { type: 'boolean' },
        },
      },
    },
  },
} as const;

export interface CategoryInput {
  code: string;
  nameZh: string;
  nameEn: string;
  defaultUnitId?: string | null;
  overrideUnitId?: string | null;
  timeLimitHours: number;
  active?: boolean;
}

export const categoryInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'nameZh', 'nameEn', 'timeLimitHours'],
  properties: {
    code: { type: 'string', minLength: 1, maxLength: 64, pattern: codePattern },
    nameZh: { type: 'string', minLength: 1, maxLength: 64 },
    nameEn: { type: 'string', minLength: 1, maxLength: 128 },
    defaultUnitId: { anyOf: [unitIdSchema, { type: 'null' }] },
    overrideUnitId: { anyOf: [unitIdSchema, { type: 'null' }] },
    timeLimitHours: { type: 'integer', minimum: 1, maximum: 8760 },
    active: { type: 'boolean' },
  },
} as const;

/** Editing a category named by the path: everything but the code. */
export const categoryUpdateSchema = {
  ...categoryInputSchema,
  required: categoryInputSchema.required.filter((k) => k !== 'code'),
  properties: (({ code: _code, ...rest }) => rest)(categoryInputSchema.properties),
} as const;

export interface UnitLeadInput {
  username: string;
  unitId: string;
}

export const unitLeadInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'unitId'],
  properties: { username: usernameSchema, unitId: unitIdSchema },
} as const;

/** One area feature's properties in an uploaded FeatureCollection. */
export interface AreaFeatureProperties {
  id?: string;
  name: string;
  kind?: AreaKind;
  /** The area's default responsible unit. */
  unitId: string | null;
  /** Category code → unit id, for categories another unit handles in this area. */
  categoryUnits?: Record<string, string>;
}

/** Envelope and properties of an area upload; geometry is checked by units/area-upload.ts. */
export const areaCollectionSchema = {
  type: 'object',
  required: ['type', 'features'],
  properties: {
    type: { const: 'FeatureCollection' },
    features: {
      type: 'array',
      minItems: 1,
      maxItems: 20000,
      items: {
        type: 'object',
        required: ['type', 'geometry', 'properties'],
        properties: {
          type: { const: 'Feature' },
          id: { type: ['string', 'number'], minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
          geometry: { type: 'object' },
          properties: {
            type: 'object',
            required: ['name', 'unitId'],
            properties: {
              id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' },
              name: { type: 'string', minLength: 1, maxLength: 128 },
              kind: { enum: ['street', 'grid'] },
              unitId: { anyOf: [unitIdSchema, { type: 'null' }] },
              categoryUnits: {
                type: 'object',
                propertyNames: { pattern: codePattern, maxLength: 64 },
                additionalProperties: unitIdSchema,
              },
            },
          },
        },
      },
    },
  },
} as const;

export const validators = {
  unit: ajv.compile(unitInputSchema),
  officer: ajv.compile(officerInputSchema),
  position: ajv.compile(positionInputSchema),
  roster: ajv.compile(rosterInputSchema),
  category: ajv.compile(categoryInputSchema),
  unitLead: ajv.compile(unitLeadInputSchema),
  areaCollection: ajv.compile(areaCollectionSchema),
};
