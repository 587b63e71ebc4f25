/**
 * form-js (Camunda Forms) JSON → JSON Schema, so the server validates a task's data with the
 * same rules the form shows (form-js's viewer does not run in Node). Only what form-js itself
 * would submit passes: unknown fields are refused (`additionalProperties: false`).
 */

export interface FormComponent {
  id?: string;
  type: string;
  key?: string;
  label?: string;
  values?: { label?: string; value: unknown }[];
  valuesKey?: string;
  valuesExpression?: string;
  multiple?: boolean | string;
  subtype?: string;
  decimalDigits?: number;
  serializeToString?: boolean;
  disabled?: boolean | string;
  conditional?: { hide?: string };
  /** min, max, minLength and maxLength may also be FEEL (`=…`): those the server cannot evaluate and skips. */
  validate?: { required?: boolean; minLength?: number | string; maxLength?: number | string; min?: number | string; max?: number | string; pattern?: string; validationType?: string };
  components?: FormComponent[];
  path?: string;
  [key: string]: unknown;
}

export interface FormJson {
  id: string;
  type?: string;
  components: FormComponent[];
  [key: string]: unknown;
}

export type JsonSchema = Record<string, unknown>;

/** Components that show something but carry no value. */
const layoutTypes = new Set(['text', 'image', 'spacer', 'separator', 'button', 'html', 'iframe', 'table', 'documentPreview', 'expression']);
/** The most photos one field may carry. */
export const maxPhotosPerField = 20;
/** The longest text accepted where the form sets no maxLength (the form's own limit wins). */
export const defaultMaxTextLength = 10_000;
/** The most rows a dynamic list may submit. */
export const maxListRows = 100;

const datetimePatterns: Record<string, JsonSchema> = {
  date: { format: 'date' },
  time: { pattern: '^([01][0-9]|2[0-3]):[0-5][0-9](Z|[+-][0-9]{2}:[0-9]{2})?$' },
  datetime: { pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9](Z|[+-][0-9]{2}:[0-9]{2})?$' },
};

/** The static options of a radio/select/checklist/taglist; none when the API feeds them (valuesKey). */
function enumOf(component: FormComponent): unknown[] | undefined {
  if (component.valuesKey || component.valuesExpression || !Array.isArray(component.values) || component.values.length === 0) return undefined;
  return component.values.map((v) => v.value);
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function stringSchema(component: FormComponent): JsonSchema {
  const v = component.validate ?? {};
  const s: JsonSchema = { type: 'string', maxLength: num(v.maxLength) ?? defaultMaxTextLength };
  if (num(v.minLength) !== undefined) s.minLength = num(v.minLength);
  if (v.pattern) s.pattern = v.pattern;
  if (v.validationType === 'email') s.format = 'email';
  if (v.validationType === 'phone') s.pattern = '^(\\+|00)[1-9][0-9]{6,20}$';
  if (v.required) {
    // form-js counts '' as unanswered; the server also refuses whitespace alone
    if (s.minLength === undefined) s.minLength = 1;
    if (!s.pattern) s.pattern = '\\S';
  }
  return s;
}

function choiceSchema(component: FormComponent): JsonSchema {
  const options = enumOf(component);
  // dynamic options: the API checks membership against the options it served
  return options ? { type: 'string', enum: options } : { type: 'string', minLength: 1, maxLength: 256 };
}

/** The schema of one value component's value, or null for a type the server cannot check. */
function valueSchema(component: FormComponent): JsonSchema | null {
  const v = component.validate ?? {};
  switch (component.type) {
    case 'textfield':
    case 'textarea':
      return stringSchema(component);
    case 'number': {
      const s: JsonSchema = { type: component.decimalDigits === 0 ? 'integer' : 'number' };
      if (num(v.min) !== undefined) s.minimum = num(v.min);
      if (num(v.max) !== undefined) s.maximum = num(v.max);
      // serializeToString submits the number as its decimal text
      return component.serializeToString ? { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$', maxLength: 64 } : s;
    }
    case 'checkbox':
      // a required checkbox must be ticked (form-js refuses an unticked one)
      return v.required ? { type: 'boolean', enum: [true] } : { type: 'boolean' };
    case 'radio':
    case 'select':
      return choiceSchema(component);
    case 'checklist':
    case 'taglist':
      return { type: 'array', items: choiceSchema(component), uniqueItems: true, maxItems: 256, ...(v.required ? { minItems: 1 } : {}) };
    case 'datetime':
      return { type: 'string', maxLength: 64, ...(datetimePatterns[component.subtype ?? ''] ?? { minLength: 1 }) };
    case 'filepicker':
      // the value is the list of photo ids uploaded to the task beforehand
      return {
        type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 }, uniqueItems: true,
        maxItems: component.multiple === false || component.multiple === undefined ? 1 : maxPhotosPerField,
        ...(v.required ? { minItems: 1 } : {}),
      };
    default:
      return null;
  }
}

/** The same schema, also accepting null (length, pattern and item rules apply to their own types only). */
function orNull(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema, type: [schema.type, 'null'] };
  if (Array.isArray(schema.enum)) out.enum = [...(schema.enum as unknown[]), null];
  return out;
}

interface ObjectSchema {
  type: 'object';
  additionalProperties: false;
  properties: Record<string, JsonSchema>;
  required: string[];
  allOf?: JsonSchema[];
}

const objectSchema = (): ObjectSchema => ({ type: 'object', additionalProperties: false, properties: {}, required: [] });

/**
 * A field required only when another field of the form has one value: the component's custom
 * property `requiredWhen`, e.g. `"review=returned"` on 审核说明 (a 退回 needs its reason).
 * form-js has no conditional requirement, so the platform reads it: here for the server, and
 * web/src/ui/task-form.ts before submitting.
 */
export function requiredWhen(component: FormComponent): { key: string; value: string } | null {
  const rule = (component.properties as Record<string, unknown> | undefined)?.requiredWhen;
  const match = typeof rule === 'string' ? /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(rule) : null;
  return match ? { key: match[1], value: match[2] } : null;
}

function addComponents(components: FormComponent[], target: ObjectSchema): void {
  for (const component of components) {
    if (layoutTypes.has(component.type)) continue;
    // form-js neither validates nor submits a disabled field
    if (component.disabled === true) continue;
    // a field a FEEL condition may hide is not submitted while hidden: optional here
    const mayHide = Boolean(component.conditional?.hide);
    if (component.type === 'group' || component.type === 'dynamiclist') {
      const inner = objectSchema();
      addComponents(component.components ?? [], inner);
      if (component.type === 'dynamiclist') {
        if (!component.path) throw new Error(`dynamic list ${component.id ?? ''} has no path`);
        target.properties[component.path] = { type: 'array', items: inner, maxItems: maxListRows };
      } else if (component.path) {
        target.properties[component.path] = { ...inner };
        if (inner.required.length && !mayHide) target.required.push(component.path);
      } else {
        // a group without a path only lays out its fields: they sit on the parent
        Object.assign(target.properties, inner.properties);
        if (!mayHide) target.required.push(...inner.required);
      }
      continue;
    }
    if (!component.key) continue;
    if (component.key.includes('.')) throw new Error(`form field "${component.key}": dotted keys are not supported, use a group with a path`);
    const schema = valueSchema(component);
    if (!schema) throw new Error(`form component type "${component.type}" (${component.key}) is not supported by the server-side validation`);
    if (target.properties[component.key]) throw new Error(`form field "${component.key}" appears twice`);
    const required = component.validate?.required === true && !mayHide;
    // form-js submits null for an optional field left empty
    target.properties[component.key] = required ? schema : orNull(schema);
    if (required) target.required.push(component.key);
    const when = requiredWhen(component);
    if (when && !required) {
      const asRequired = valueSchema({ ...component, validate: { ...component.validate, required: true } }) as JsonSchema;
      (target.allOf ??= []).push({
        if: { properties: { [when.key]: { const: when.value } }, required: [when.key] },
        // `not null` first, so an empty answer reads 必填 rather than a type error
        then: { required: [component.key], properties: { [component.key]: { not: { type: 'null' }, allOf: [asRequired] } } },
      });
    }
  }
}

/** The JSON Schema of the data a form submits. */
export function formToJsonSchema(form: FormJson): JsonSchema {
  if (!form || !Array.isArray(form.components)) throw new Error('not a form-js form: "components" is missing');
  const root = objectSchema();
  addComponents(form.components, root);
  return { ...root };
}
