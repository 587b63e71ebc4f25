/** 新建案件: the dispatcher enters a report from the hotline, a leader or a patrol. */
import { useState } from 'preact/hooks';
import { ApiError, post, type CaseRecord, type FieldError } from '../api.js';
import { sourceLabel, t } from '../i18n.js';
import { navigate } from '../router.js';
import { categoryName, useCategories } from '../ui/categories.js';

export function NewCasePage() {
  const categories = useCategories();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState('');
  const err = (field: string) => errors.find((e) => e.field === field || e.field === `/${field}`)?.message;

  async function submit(event: Event) {
    event.preventDefault();
    const f = new FormData(event.target as HTMLFormElement);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    const lng = Number(s('lng'));
    const lat = Number(s('lat'));
    const body = {
      source: s('source'), category: s('category'), description: s('description'), address: s('address'),
      reporterPhone: s('reporterPhone') || null, location: s('lng') && s('lat') ? { lng, lat } : null,
    };
    try {
      const created = await post<{ case: CaseRecord }>('/cases', body);
      navigate(`/cases/${created.case.id}`);
    } catch (e) {
      setErrors(e instanceof ApiError ? e.problem.errors ?? (e.problem.field ? [{ field: e.problem.field, message: e.message }] : []) : []);
      setMessage((e as Error).message);
    }
  }
  return (
    <form class="card narrow" onSubmit={submit} aria-labelledby="new-case-h">
      <h1 id="new-case-h">{t('newCase')}</h1>
      <label>{t('source')}
        <select name="source" required>{['hotline', 'leader', 'patrol', 'web', 'sms'].map((x) => <option value={x}>{sourceLabel(x)}</option>)}</select>
      </label>
      <label>{t('category')}
        <select name="category" required aria-invalid={!!err('category')}><option value="">{t('chooseCategory')}</option>{categories.map((c) => <option value={c.code}>{categoryName(categories, c.code)}</option>)}</select>
      </label>
      <label>{t('address')}<input name="address" required maxLength={255} aria-invalid={!!err('address')} /></label>
      {err('address') && <p class="error">{err('address')}</p>}
      <label>{t('description')}<textarea name="description" required rows={4} maxLength={4000} aria-invalid={!!err('description')} /></label>
      {err('description') && <p class="error">{err('description')}</p>}
      <label>{t('reporterPhone')}<input name="reporterPhone" inputMode="tel" pattern="\+?[0-9]{5,15}" /></label>
      <div class="two">
        <label>经度<input name="lng" inputMode="decimal" /></label>
        <label>纬度<input name="lat" inputMode="decimal" /></label>
      </div>
      {message && <p class="error" role="alert">{message}</p>}
      <button class="primary" type="submit">{t('create')}</button>
    </form>
  );
}
