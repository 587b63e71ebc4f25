/** The case's facts at the top of a task or case page, with its location (map app link and map). */
import type { CaseRecord } from '../api.js';
import { formatTime, sourceLabel, statusLabel, t } from '../i18n.js';
import { categoryName, useCategories } from './categories.js';
import { CaseLocation } from './case-location.js';

export function CaseSummary({ record }: { record: CaseRecord }) {
  const categories = useCategories();
  const loc = record.location;
  return (
    <>
      <dl class="summary card">
        <div><dt>{t('caseNumber')}</dt><dd data-field="number">{record.number}</dd></div>
        <div><dt>{t('category')}</dt><dd>{categoryName(categories, record.category)}</dd></div>
        <div><dt>{t('status')}</dt><dd data-field="status">{statusLabel(record.status)}</dd></div>
        <div><dt>{t('source')}</dt><dd>{sourceLabel(record.source)}</dd></div>
        <div class="wide"><dt>{t('address')}</dt><dd>{record.address}
          {loc && <span class="muted"> · {loc.lat.toFixed(5)}, {loc.lng.toFixed(5)}</span>}
        </dd></div>
        <div class="wide"><dt>{t('description')}</dt><dd class="desc">{record.description}</dd></div>
        <div><dt>{t('createdAt')}</dt><dd>{formatTime(record.createdAt)}</dd></div>
        {record.reporterPhone && <div><dt>{t('reporterPhone')}</dt><dd>{record.reporterPhone}</dd></div>}
      </dl>
      <CaseLocation record={record} />
    </>
  );
}
