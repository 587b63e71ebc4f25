/**
 * Pieces of a case's record shown on the case page and, as evidence, on the task page: what a
 * person submitted at a step (in the forms' own labels) and the photos with their checks.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, type CaseNames, type Photo } from '../api.js';
import { t } from '../i18n.js';

export interface FieldLabel { label: string; options?: Record<string, string>; names?: 'person' | 'unit' }
export const noNames: CaseNames = { people: {}, units: {} };
let labelsOnce: Promise<Record<string, FieldLabel>> | null = null;
/** The forms' field labels (fetched once per page load). */
export function useFieldLabels(): Record<string, FieldLabel> {
  const [labels, setLabels] = useState<Record<string, FieldLabel>>({});
  useEffect(() => {
    labelsOnce ??= get<Record<string, FieldLabel>>('/forms/labels').catch(() => ({}));
    void labelsOnce.then(setLabels);
  }, []);
  return labels;
}

/** What a person submitted at a step, as the form labelled it ("核实结论: 属实", "责任单位: 城东街道执法中队"). */
export function FormData({ data, labels, names }: { data: unknown; labels: Record<string, FieldLabel>; names: CaseNames }) {
  const shownValue = (k: string, v: string) => {
    const label = labels[k];
    if (label?.names === 'person') return names.people[v] ?? v;
    if (label?.names === 'unit') return names.units[v] ?? v;
    return label?.options?.[v] ?? v;
  };
  const values = (data as { variables?: Record<string, unknown> } | null)?.variables ?? (data as Record<string, unknown> | null);
  if (!values || typeof values !== 'object') return null;
  const shown = Object.entries(values).filter(([, v]) => typeof v === 'string' && v) as [string, string][];
  if (!shown.length) return null;
  return (
    <span class="data">
      {shown.map(([k, v], i) => (
        <span key={k} data-field={k}>{i > 0 ? ' · ' : ''}{labels[k]?.label ?? k}: {shownValue(k, v)}</span>
      ))}
    </span>
  );
}

/** Photos as thumbnails opening the full file, each with its verification result and flags (存疑). */
export function PhotoThumbs({ photos }: { photos: Photo[] }) {
  return (
    <ul class="thumbs big">
      {photos.map((p) => {
        const flagged = p.checks?.some((c) => !c.passed);
        return (
          <li key={p.id} data-photo={p.id} data-flagged={flagged ? 'true' : 'false'}>
            <a href={`/api/photos/${p.id}/file`} target="_blank" rel="noopener"><img src={`/api/photos/${p.id}/file`} alt={`${t('photos')} ${p.id}`} /></a>
            <span class={`small ${flagged ? 'warn' : 'ok'}`}>{t('verification')}: {p.checks?.length ? (flagged ? t('flagged') : t('passed')) : '…'}</span>
            {flagged && <ul class="small flags">{p.checks?.flatMap((c) => c.flags).map((f) => <li key={f.code} data-flag={f.code}>{f.message}</li>)}</ul>}
          </li>
        );
      })}
    </ul>
  );
}
