/** The one ajv instance of the platform: every request, form and worker schema compiles here. */
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on .default.
const addFormatsFn = (addFormatsImport as unknown as { default?: typeof addFormatsImport }).default ?? addFormatsImport;

/** Adds the standard formats (date-time, email, uri …) to an ajv instance. */
export function addFormats(instance: Ajv): void {
  (addFormatsFn as unknown as (a: Ajv) => void)(instance);
}

// strictNumbers: Infinity and NaN (JSON's 1e309 parses to Infinity) are no numbers, whatever `strict: false` says
export const ajv = new Ajv({ allErrors: true, strict: false, strictNumbers: true, coerceTypes: false, useDefaults: true });
addFormats(ajv);
