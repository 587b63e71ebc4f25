/**
 * A photo field for phones: opens the camera (`capture`), uploads each photo at once with
 * retries (the server keeps one photo per task and content, so a retried upload never doubles),
 * lets a photo be taken out again before submitting, and reports the photo ids.
 */
import { useState } from 'preact/hooks';
import { api, withRetry } from '../api.js';
import { t } from '../i18n.js';

interface Item { name: string; id?: string; state: 'uploading' | 'done' | 'failed'; file: File; preview: string }

export function PhotoPicker({ taskId, label, fieldKey, required, error, onChange, initial = [] }: {
  taskId: string; label: string; fieldKey: string; required: boolean; error?: string; onChange(ids: string[]): void;
  /** Photos uploaded before (a draft's): shown as done. */
  initial?: string[];
}) {
  const [items, setItems] = useState<Item[]>(() => initial.map((id) => ({ name: id, id, state: 'done' as const, file: new File([], id), preview: `/api/photos/${id}/file` })));
  const inputId = `photo-${fieldKey}`;

  function update(next: Item[]) {
    setItems(next);
    onChange(next.filter((i) => i.id).map((i) => i.id as string));
  }

  async function upload(item: Item, list: Item[]) {
    try {
      const answer = await withRetry(() => {
        const body = new FormData();
        body.append('photo', item.file, item.file.name);
        return api<{ id: string }>('POST', `/tasks/${taskId}/photos`, body);
      });
      item.id = answer.id;
      item.state = 'done';
    } catch {
      item.state = 'failed';
    }
    update([...list]);
  }

  function choose(event: Event) {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    const added = files.map((file): Item => ({ name: file.name, file, state: 'uploading', preview: URL.createObjectURL(file) }));
    const list = [...items, ...added];
    setItems(list);
    for (const item of added) void upload(item, list);
  }

  return (
    <div class={`photo-field${error ? ' has-error' : ''}`} data-photo-field={fieldKey}>
      <span class="label" id={`${inputId}-label`}>{label}{required && <span aria-hidden="true"> *</span>}</span>
      <ul class="thumbs">
        {items.map((item, index) => (
          <li key={index} data-state={item.state}>
            <img src={item.preview} alt={item.name} />
            <span class="small">{item.state === 'uploading' ? t('uploading') : item.state === 'failed' ? t('uploadFailed') : '✓'}</span>
            {item.state === 'failed' && <button type="button" class="link" onClick={() => { item.state = 'uploading'; setItems([...items]); void upload(item, items); }}>↻</button>}
            {item.state !== 'uploading' && <button type="button" class="link" data-remove aria-label={`${t('removePhoto')} ${item.name}`} onClick={() => update(items.filter((other) => other !== item))}>{t('removePhoto')}</button>}
          </li>
        ))}
      </ul>
      <label class="button" for={inputId}>{t('addPhoto')}</label>
      <input id={inputId} class="visually-hidden" type="file" accept="image/*" capture="environment" multiple aria-labelledby={`${inputId}-label`} onChange={choose} />
      {error && <p class="error" role="alert">{error}</p>}
    </div>
  );
}
