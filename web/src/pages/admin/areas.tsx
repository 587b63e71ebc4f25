/**
 * Admin page: the areas (单元网格 and streets) — upload a GeoJSON FeatureCollection (checked
 * whole by the server: one bad feature refuses the file, each problem named), see every area
 * on the map, list them with their units, select one to find it on the map, remove one.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, get, post } from '../../api.js';
import { t } from '../../i18n.js';
import { LazyMap } from '../../ui/lazy-map.js';
import type { MapArea } from '../../ui/map.js';
import { Dialog } from '../../ui/dialog.js';
import { categoryName, useCategories } from '../../ui/categories.js';
import { ErrorNote, useList, type UnitRow } from './shared.js';

interface AreaSummary { id: string; name: string; kind: 'street' | 'grid'; defaultUnitId: string | null; categoryUnits: Record<string, string> }
interface ImportResult { created: number; updated: number; removed: number }

export function AreasPage() {
  const [areas, setAreas] = useState<AreaSummary[]>([]);
  const [shapes, setShapes] = useState<MapArea[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [removing, setRemoving] = useState<AreaSummary | null>(null);
  const units = useList<UnitRow>('/units');
  const categories = useCategories();
  const unitName = (id: string | null) => (id ? units.items.find((u) => u.id === id)?.name ?? id : '—');

  async function load() {
    const [list, collection] = await Promise.all([
      get<AreaSummary[]>('/areas'),
      get<{ features: { id: string; geometry: MapArea['geometry']; properties: { name: string } }[] }>('/areas/geojson'),
    ]);
    setAreas(list);
    setShapes(collection.features.map((f) => ({ id: f.id, name: f.properties.name, geometry: f.geometry })));
  }
  useEffect(() => void load().catch(setError), []);

  async function upload(event: Event) {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('file') as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    setResult(null);
    setError(null);
    try {
      let collection: unknown;
      try {
        collection = JSON.parse(await file.text());
      } catch {
        throw new Error(t('notJson'));
      }
      setResult(await post<ImportResult>(`/areas?replace=${replace}`, collection));
      input.value = '';
      await load();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function remove(id: string) {
    setRemoving(null);
    try {
      await api('DELETE', `/areas/${encodeURIComponent(id)}`);
      await load();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section class="admin-page">
      <h1>{t('areas')}</h1>
      <form class="card admin-form" onSubmit={upload} data-form="areas-upload">
        <label>{t('uploadAreas')}<input type="file" name="file" accept=".geojson,.json,application/geo+json,application/json" required /></label>
        <label class="check"><input type="checkbox" checked={replace} onChange={(e) => setReplace(e.currentTarget.checked)} />{t('replaceAreas')}</label>
        <div class="actions"><button type="submit" class="primary" disabled={busy}>{busy ? t('uploading') : t('upload')}</button></div>
        {result && (
          <p role="status" data-import-result>
            {t('importCreated')} {result.created} · {t('importUpdated')} {result.updated} · {t('importRemoved')} {result.removed}
          </p>
        )}
        <ErrorNote error={error} />
      </form>
      <h2 id="areas-map-h">{t('mapOfAreas')} <span class="muted small">{t('total')} {areas.length} {t('items')}</span></h2>
      <LazyMap label={t('mapOfAreas')} class="areas-map" areas={shapes} selected={selected} onSelect={setSelected} />
      <div class="scroll">
        <table class="list" data-list="areas">
          <thead><tr><th scope="col">{t('code')}</th><th scope="col">{t('name')}</th><th scope="col">{t('kind')}</th><th scope="col">{t('defaultUnit')}</th><th scope="col">{t('categoryUnits')}</th><th scope="col" /></tr></thead>
          <tbody>
            {areas.map((a) => (
              <tr key={a.id} data-area={a.id} aria-selected={selected === a.id}>
                <td><button type="button" class="link" onClick={() => setSelected(a.id)}>{a.id}</button></td>
                <td>{a.name}</td><td data-kind={a.kind}>{a.kind === 'grid' ? t('kindGrid') : t('kindStreetArea')}</td><td title={a.defaultUnitId ?? ''}>{unitName(a.defaultUnitId)}</td>
                <td class="small">{Object.entries(a.categoryUnits).map(([c, u]) => `${categoryName(categories, c)} → ${unitName(u)}`).join(' · ')}</td>
                <td><button type="button" class="link" onClick={() => setRemoving(a)}>{t('remove')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {removing && (
        <Dialog name="remove-area" title={`${t('remove')}：${removing.name}`} confirm={t('remove')} danger onConfirm={() => void remove(removing.id)} onClose={() => setRemoving(null)}>
          <p>{t('confirmRemove')}</p>
        </Dialog>
      )}
    </section>
  );
}
