/**
 * Form preview: selecting a user task shows its form-js form (zeebe:formDefinition formId, read
 * from forms/ through the modeler API) rendered read-only beside the diagram.
 */
interface Element { type: string; businessObject: { name?: string; extensionElements?: { values?: { $type: string; formId?: string }[] } } }
interface EventBus { on(event: string, fn: (e: { newSelection: Element[] }) => void): void }

/** The formId of a user task's zeebe:formDefinition, or null. */
export function formIdOf(element: Element | undefined): string | null {
  if (!element || element.type !== 'bpmn:UserTask') return null;
  const definition = element.businessObject.extensionElements?.values?.find((v) => v.$type === 'zeebe:FormDefinition');
  return definition?.formId ?? null;
}

export function attachFormPreview(eventBus: EventBus, box: HTMLElement): () => void {
  const title = document.createElement('h2');
  const host = document.createElement('div');
  host.className = 'form-preview-host';
  box.replaceChildren(title, host);
  box.hidden = true;
  let form: { destroy(): void } | null = null;
  let shown: string | null = null;

  async function show(element: Element | undefined) {
    const formId = formIdOf(element);
    if (formId === shown) return;
    shown = formId;
    form?.destroy();
    form = null;
    host.replaceChildren();
    box.hidden = !formId;
    if (!formId || !element) return;
    title.textContent = `表单预览 · ${element.businessObject.name ?? ''} (${formId})`;
    box.setAttribute('data-form-id', formId);
    const [{ Form }, response] = await Promise.all([
      import('@bpmn-io/form-js-viewer'),
      fetch(`/api/modeler/forms/${encodeURIComponent(formId)}`, { credentials: 'same-origin' }),
      import('@bpmn-io/form-js-viewer/dist/assets/form-js.css'),
    ]);
    if (shown !== formId) return;
    if (!response.ok) {
      host.textContent = `无法读取表单 ${formId}（${response.status}）`;
      return;
    }
    const schema = await response.json();
    const next = new Form({ container: host, properties: { readOnly: true } });
    await next.importSchema(schema, {});
    if (shown === formId) form = next;
    else next.destroy();
  }

  eventBus.on('selection.changed', (e) => void show(e.newSelection.length === 1 ? e.newSelection[0] : undefined));
  return () => form?.destroy();
}
