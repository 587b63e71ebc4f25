/**
 * The forms in this folder (one form-js JSON per user task, named `<formId>.form`): loading
 * by id (an id is never a path), the compiled validator of each, and its field-level errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ajv } from '../api/src/validation/ajv.js';
import { DomainError, type FieldError } from '../errors/index.js';
import { describeValidationError } from '../errors/validation-messages.js';
import { formToJsonSchema, type FormJson, type JsonSchema } from './schema.js';

export { formToJsonSchema, maxPhotosPerField, defaultMaxTextLength, type FormJson, type FormComponent, type JsonSchema } from './schema.js';

export const formsDir = path.dirname(fileURLToPath(import.meta.url));
const formIdPattern = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The ids of the forms in a folder (file names without `.form`), sorted. */
export function listFormIds(dir = formsDir): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.form') && formIdPattern.test(f.slice(0, -5))).map((f) => f.slice(0, -5)).sort();
}

export interface FormValidator {
  formId: string;
  schema: JsonSchema;
  /** The compiled ajv function (its `errors` hold the last run's errors). */
  validate: ValidateFunction;
  /** Field-level errors of the data; empty when it fits the form. */
  errors(data: unknown): FieldError[];
}

interface LoadedForm {
  form: FormJson;
  validator: FormValidator;
}

// Forms are read-only files: each is parsed and compiled once per folder and process.
const cache = new Map<string, LoadedForm>();

function load(dir: string, formId: string): LoadedForm {
  if (typeof formId !== 'string' || !formIdPattern.test(formId)) throw new DomainError('not_found', `no form "${String(formId).slice(0, 64)}"`);
  const cacheKey = `${dir}\0${formId}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const file = path.join(dir, `${formId}.form`);
  if (!fs.existsSync(file)) throw new DomainError('not_found', `no form "${formId}"`);
  let form: FormJson;
  try {
    form = JSON.parse(fs.readFileSync(file, 'utf8')) as FormJson;
  } catch (cause) {
    throw new Error(`${file} is not valid JSON`, { cause });
  }
  if (form.id !== formId) throw new Error(`${file}: its id "${String(form.id)}" does not match the file name`);
  const schema = formToJsonSchema(form);
  const validate = ajv.compile(schema);
  const validator: FormValidator = {
    formId, schema, validate,
    errors(data) {
      return validate(data) ? [] : fieldErrors(validate.errors);
    },
  };
  const loaded = { form, validator };
  cache.set(cacheKey, loaded);
  return loaded;
}

/** The form-js JSON of a form id; throws `not_found` for an unknown or malformed id. */
export function loadForm(formId: string, dir = formsDir): FormJson {
  return load(dir, formId).form;
}

/** The compiled validator of a form's submitted data. */
export function formValidator(formId: string, dir = formsDir): FormValidator {
  return load(dir, formId).validator;
}


/**
 * ajv errors → one error per form field: the component key (`verifyNotes`), dotted below a
 * group or dynamic list (`address.street`, `rows.0.cell`), `variables` when the data is not an
 * object at all. The first error of a field wins.
 */
export function fieldErrors(errors: ErrorObject[] | null | undefined): FieldError[] {
  const byField = new Map<string, FieldError>();
  for (const e of errors ?? []) {
    // an `if` (requiredWhen) fails with its `then`, which names the field itself
    if (e.keyword === 'if') continue;
    const p = e.params as { missingProperty?: string; additionalProperty?: string };
    const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const named = p.missingProperty ?? p.additionalProperty;
    if (named !== undefined) segments.push(named);
    // an item of a list value (a photo id, a checklist entry) is that field's error
    while (segments.length && /^[0-9]+$/.test(segments[segments.length - 1])) segments.pop();
    const field = segments.join('.') || 'variables';
    if (!byField.has(field)) {
      const { zh, en } = describeValidationError(e);
      byField.set(field, { field, message: en, messageZh: zh });
    }
  }
  return [...byField.values()];
}

/**
 * A form field as a person reads it in the case's history: its label and its options' labels;
 * for a select the API fills (`valuesKey`), what its values name — a person (a username) or a
 * unit (a unit id) — so the history can show the name instead of the id.
 */
export interface FieldLabel {
  label: string;
  options?: Record<string, string>;
  names?: 'person' | 'unit';
}

/** What the API-filled selects' values name, by their `valuesKey` (see api/src/form-options.ts). */
const namedBy: Record<string, FieldLabel['names']> = { inspectorOptions: 'person', officerOptions: 'person', unitOptions: 'unit' };

/**
 * The labels of every form's fields by key (the keys are unique across the process's forms), so
 * the timeline can show "核实结论: 属实" instead of "verification: substantiated".
 */
export function fieldLabels(dir = formsDir): Record<string, FieldLabel> {
  const labels: Record<string, FieldLabel> = {};
  type Component = { key?: string; label?: string; values?: { value: string; label: string }[]; valuesKey?: string; components?: Component[] };
  const walk = (components: Component[] | undefined) => {
    for (const c of components ?? []) {
      const names = c.valuesKey ? namedBy[c.valuesKey] : undefined;
      if (c.key && c.label) labels[c.key] = { label: c.label, ...(c.values ? { options: Object.fromEntries(c.values.map((v) => [v.value, v.label])) } : {}), ...(names ? { names } : {}) };
      walk(c.components);
    }
  };
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.form')).sort()) walk(loadForm(file.replace(/\.form$/, ''), dir).components as Component[]);
  return labels;
}

/** The forms of a folder as the task routes use them (see tasks/routes.ts FormCatalog). */
export function createFormCatalog(dir = formsDir) {
  return {
    get: (formId: string) => loadForm(formId, dir) as unknown as Record<string, unknown>,
    labels: () => fieldLabels(dir),
    schema: (formId: string) => formValidator(formId, dir).schema,
    /** Field-level errors of the data; empty when it fits the form. */
    validate: (formId: string, data: unknown): FieldError[] => formValidator(formId, dir).errors(data),
  };
}

export type FormCatalogImpl = ReturnType<typeof createFormCatalog>;
