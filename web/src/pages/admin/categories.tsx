/**
 * Admin page: the case categories — names in both languages, the time limit, the default unit
 * (where an area names none) and the override unit that takes the category wherever the case
 * is (违法建设 → 规划执法大队). New ones are created; existing ones are edited by their code.
 */
import { useState } from 'preact/hooks';
import { api, post } from '../../api.js';
import { t } from '../../i18n.js';
import { ErrorNote, useList, type UnitRow } from './shared.js';

interface CategoryRow { code: string; nameZh: string; nameEn: string; defaultUnitId: string | null; overrideUnitId: string | null; timeLimitHours: number; active: boolean }

const emptyCategory: CategoryRow = { code: '', nameZh: '', nameEn: '', defaultUnitId: null, overrideUnitId: null, timeLimitHours: 24, active: true };

export function CategoriesPage() {
  const categories = useList<CategoryRow>('/categories');
  const units = useList<UnitRow>('/units');
  const [editing, setEditing] = useState<{ row: CategoryRow; isNew: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState('');

  async function save(event: Event) {
    event.preventDefault();
    if (!editing) return;
    const { code, ...rest } = editing.row;
    try {
      if (editing.isNew) await post('/categories', editing.row);
      else await api('PUT', `/categories/${encodeURIComponent(code)}`, rest);
      setEditing(null);
      setError(null);
      await categories.reload(); // the list shows the saved row before the page says 已保存
      setMessage(`${t('saved')}: ${code}`);
    } catch (e) {
      setError(e);
    }
  }

  const unitName = (id: string | null) => (id ? `${id} ${units.items.find((u) => u.id === id)?.name ?? ''}` : '—');
  const unitSelect = (name: 'defaultUnitId' | 'overrideUnitId', label: string) => editing && (
    <label>{label}
      <select name={name} value={editing.row[name] ?? ''} onChange={(e) => setEditing({ ...editing, row: { ...editing.row, [name]: e.currentTarget.value || null } })}>
        <option value="">{t('none')}</option>
        {units.items.map((u) => <option key={u.id} value={u.id}>{u.id} {u.name}</option>)}
      </select>
    </label>
  );
  const field = (name: 'code' | 'nameZh' | 'nameEn', label: string, extra: Record<string, unknown> = {}) => editing && (
    <label>{label}<input name={name} required value={editing.row[name]} {...extra}
      onInput={(e) => setEditing({ ...editing, row: { ...editing.row, [name]: e.currentTarget.value } })} /></label>
  );

  return (
    <section class="admin-page">
      <h1>{t('categories')}</h1>
      <div class="actions"><button type="button" class="primary" onClick={() => { setMessage(''); setEditing({ row: { ...emptyCategory }, isNew: true }); }}>{t('newCategory')}</button></div>
      {message && <p role="status" data-saved>{message}</p>}
      {editing && (
        <form class="card admin-form" onSubmit={save} data-form="category">
          {field('code', t('code'), { readOnly: !editing.isNew, pattern: '[a-z][a-z0-9\\-]*', maxLength: 64 })}
          {field('nameZh', t('nameZh'), { maxLength: 64 })}
          {field('nameEn', t('nameEn'), { maxLength: 128 })}
          <label>{t('timeLimit')}<input name="timeLimitHours" type="number" min={1} max={8760} required value={editing.row.timeLimitHours}
            onInput={(e) => setEditing({ ...editing, row: { ...editing.row, timeLimitHours: Number(e.currentTarget.value) } })} /></label>
          {unitSelect('defaultUnitId', t('defaultUnit'))}
          {unitSelect('overrideUnitId', t('overrideUnit'))}
          <label class="check"><input type="checkbox" name="active" checked={editing.row.active} onChange={(e) => setEditing({ ...editing, row: { ...editing.row, active: e.currentTarget.checked } })} />{t('active')}</label>
          <ErrorNote error={error} />
          <div class="actions"><button type="submit" class="primary">{t('save')}</button><button type="button" onClick={() => setEditing(null)}>{t('cancel')}</button></div>
        </form>
      )}
      <div class="scroll">
        <table class="list" data-list="categories">
          <thead><tr><th scope="col">{t('code')}</th><th scope="col">{t('nameZh')}</th><th scope="col">{t('nameEn')}</th><th scope="col">{t('timeLimit')}</th><th scope="col">{t('defaultUnit')}</th><th scope="col">{t('overrideUnit')}</th><th scope="col">{t('status')}</th><th scope="col" /></tr></thead>
          <tbody>
            {categories.items.map((c) => (
              <tr key={c.code} data-category={c.code}>
                <td lang="zxx">{c.code}</td><td>{c.nameZh}</td><td lang="en">{c.nameEn}</td><td>{c.timeLimitHours}</td>
                <td>{unitName(c.defaultUnitId)}</td><td data-field="overrideUnitId">{unitName(c.overrideUnitId)}</td>
                <td>{c.active ? t('active') : <span class="tag warn">{t('disabled')}</span>}</td>
                <td><button type="button" class="link" onClick={() => { setMessage(''); setError(null); setEditing({ row: { ...c }, isNew: false }); }}>{t('edit')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
