/** What the admin pages share: a reloadable list from the API, and a problem shown with its field errors. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get } from '../../api.js';

export interface UnitRow { id: string; name: string; kind: string; phone: string | null; active: boolean }

export function useList<T>(url: string): { items: T[]; loaded: boolean; reload(): Promise<void> } {
  const [items, setItems] = useState<T[]>([]);
  const [loaded, setLoaded] = useState(false);
  const reload = async () => {
    setItems(await get<T[]>(url));
    setLoaded(true);
  };
  useEffect(() => void reload().catch(() => setLoaded(true)), [url]);
  return { items, loaded, reload };
}

/** An API problem (title, detail and each field's error) or any other error, as text. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const fields = error instanceof ApiError ? error.problem.errors ?? [] : [];
  return (
    <div class="error-summary" role="alert">
      <p>{(error as Error).message}</p>
      {fields.length > 0 && <ul data-errors>{fields.map((f, i) => <li key={i} data-field={f.field}><code>{f.field}</code> {f.message}</li>)}</ul>}
    </div>
  );
}
