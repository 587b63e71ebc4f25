/**
 * Renders a task's form-js schema with @bpmn-io/form-js-viewer (loaded lazily with its CSS).
 * Filepicker fields are taken out of the schema and replaced by the page's own photo pickers
 * (camera capture, upload with retry), whose photo ids join the submitted variables.
 */
import type { FieldError } from '../api.js';
import { formTranslationModule } from './form-translations.js';

export interface FormComponent { id: string; key?: string; type: string; label?: string; components?: FormComponent[]; validate?: { required?: boolean }; properties?: Record<string, unknown> }
export interface FormSchema { components: FormComponent[]; [k: string]: unknown }

export interface MountedForm {
  /** Local validation then the data, or null when the form shows errors. */
  submit(): Record<string, unknown> | null;
  showErrors(errors: FieldError[]): void;
  /** Called with the form's data whenever the person changes a field. */
  onChange(listener: (data: Record<string, unknown>) => void): void;
  /** The answers as the form holds them now. */
  data(): Record<string, unknown>;
  destroy(): void;
}

export function photoFields(schema: FormSchema): FormComponent[] {
  return schema.components.filter((c) => c.type === 'filepicker' && c.key);
}

/**
 * Fields the form requires only when another field has one value (`properties.requiredWhen`,
 * e.g. 审核说明 when 退回): form-js cannot say so, the server checks it too (forms/schema.ts).
 */
export function conditionalErrors(schema: FormSchema, data: Record<string, unknown>, required: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const c of schema.components) {
    const rule = typeof c.properties?.requiredWhen === 'string' ? /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(c.properties.requiredWhen) : null;
    if (!c.key || !rule || data[rule[1]] !== rule[2]) continue;
    const value = data[c.key];
    if (typeof value !== 'string' || !value.trim()) errors.push({ field: c.key, message: required });
  }
  return errors;
}

export async function mountForm(container: HTMLElement, schema: FormSchema, data: Record<string, unknown>): Promise<MountedForm> {
  const [{ Form }] = await Promise.all([import('@bpmn-io/form-js-viewer'), import('@bpmn-io/form-js-viewer/dist/assets/form-js.css')]);
  const visible = { ...schema, components: schema.components.filter((c) => c.type !== 'filepicker') };
  const form = new Form({ container, additionalModules: [formTranslationModule] });
  await form.importSchema(visible as never, data);
  const idByKey = new Map(visible.components.filter((c) => c.key).map((c) => [c.key as string, c.id]));
  return {
    submit() {
      const result = form.submit();
      if (Object.keys(result.errors).length) return null;
      return result.data as Record<string, unknown>;
    },
    showErrors(errors) {
      const byId: Record<string, string[]> = {};
      for (const e of errors) {
        const id = idByKey.get(e.field);
        if (id) (byId[id] ??= []).push(e.message);
      }
      form._setState({ errors: byId });
    },
    data: () => ({ ...(form._getState().data as Record<string, unknown>) }),
    onChange(listener) {
      (form as unknown as { on(event: string, fn: (e: { data: Record<string, unknown> }) => void): void }).on('changed', (e) => listener(e.data));
    },
    destroy: () => form.destroy(),
  };
}
