/**
 * Admin page: the audit log, newest first, its actions in words (audit-actions.ts) — filter by
 * actor, action (one, or a group like all of `category.*`), outcome and a time range typed in
 * Asia/Shanghai time; page back with the server's `nextBefore` cursor.
 */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../../api.js';
import { currentLang, formatTime, roleLabel, t } from '../../i18n.js';
import { auditActionGroups, auditActionLabel, auditActions } from './audit-actions.js';
import { ErrorNote } from './shared.js';

interface Entry {
  seq: number; at: string; actor: string | null; actorRole: string | null; ip: string | null; action: string; target: string | null;
  outcome: 'success' | 'failure' | 'refused'; detail: Record<string, unknown> | null;
}
interface Filter { actor: string; action: string; outcome: string; from: string; to: string }

const pageSize = 50;
/** A `datetime-local` value read as Asia/Shanghai time. */
const shanghai = (local: string) => `${local.length === 16 ? `${local}:00` : local}+08:00`;

function query(filter: Filter, before: number | null): string {
  const q = new URLSearchParams({ limit: String(pageSize) });
  if (filter.actor.trim()) q.set('actor', filter.actor.trim());
  if (filter.action.trim()) q.set('action', filter.action.trim());
  if (filter.outcome) q.set('outcome', filter.outcome);
  if (filter.from) q.set('from', shanghai(filter.from));
  if (filter.to) q.set('to', shanghai(filter.to));
  if (before) q.set('before', String(before));
  return q.toString();
}

const outcomeKeys = { success: 'outcomeSuccess', failure: 'outcomeFailure', refused: 'outcomeRefused' } as const;

/** `user:wangqiang` → 用户 wangqiang; other targets (case numbers, codes) are data and stay. */
function targetText(target: string | null): string {
  if (!target) return '';
  return target.startsWith('user:') ? `${t('auditTargetUser')} ${target.slice(5)}` : target;
}

export function AuditPage() {
  const [filter, setFilter] = useState<Filter>({ actor: '', action: '', outcome: '', from: '', to: '' });
  const [applied, setApplied] = useState<Filter>(filter);
  /** Cursors of the pages shown so far (null: the newest). */
  const [cursors, setCursors] = useState<(number | null)[]>([null]);
  const [page, setPage] = useState<{ entries: Entry[]; nextBefore: number | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const before = cursors[cursors.length - 1];
  const lang = currentLang();

  useEffect(() => {
    let live = true;
    setPage(null);
    get<{ entries: Entry[]; nextBefore: number | null }>(`/audit?${query(applied, before)}`).then((p) => {
      if (!live) return;
      setPage(p);
      setError(null);
    }, (e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [applied, before]);

  const set = (key: keyof Filter) => (e: Event) => setFilter({ ...filter, [key]: (e.currentTarget as HTMLInputElement).value });
  function apply(event: Event) {
    event.preventDefault();
    setApplied({ ...filter });
    setCursors([null]);
  }

  return (
    <section class="admin-page">
      <h1>{t('auditLog')}</h1>
      <form class="card filters" onSubmit={apply} data-form="audit-filter" role="search">
        <label>{t('actor')}<input name="actor" maxLength={128} value={filter.actor} onInput={set('actor')} /></label>
        <label>{t('action')}<select name="action" aria-label={t('action')} value={filter.action} onChange={set('action')}>
          <option value="">{t('all')}</option>
          {Object.entries(auditActionGroups).map(([code, words]) => <option key={code} value={code}>{lang === 'en' ? words.en : words.zh}</option>)}
          {Object.keys(auditActions).map((code) => <option key={code} value={code}>{auditActionLabel(code, lang)}</option>)}
        </select></label>
        <label>{t('outcome')}<select name="outcome" value={filter.outcome} onChange={set('outcome')}>
          <option value="">{t('all')}</option>
          {(['success', 'failure', 'refused'] as const).map((o) => <option key={o} value={o}>{t(outcomeKeys[o])}</option>)}
        </select></label>
        <label>{t('from')}<input name="from" type="datetime-local" value={filter.from} onInput={set('from')} /></label>
        <label>{t('until')}<input name="to" type="datetime-local" value={filter.to} onInput={set('to')} /></label>
        <button type="submit" class="primary">{t('filter')}</button>
      </form>
      <ErrorNote error={error} />
      {!page && !error && <p aria-busy="true">{t('loading')}</p>}
      {page && page.entries.length === 0 && <p class="muted">{t('empty')}</p>}
      {page && page.entries.length > 0 && (
        <div class="scroll">
          <table class="list" data-list="audit">
            <thead><tr><th scope="col">#</th><th scope="col">{t('time')}</th><th scope="col">{t('actor')}</th><th scope="col">{t('action')}</th><th scope="col">{t('target')}</th><th scope="col">{t('outcome')}</th><th scope="col">IP</th><th scope="col">{t('detail')}</th></tr></thead>
            <tbody>
              {page.entries.map((e) => (
                <tr key={e.seq} data-seq={e.seq} data-action={e.action}>
                  <td>{e.seq}</td>
                  <td><time dateTime={e.at}>{formatTime(e.at)}</time></td>
                  <td>{!e.actor || e.actor === 'system' || e.actor.startsWith('worker:') ? t('systemActor') : e.actor} {e.actorRole && <span class="muted small">{roleLabel(e.actorRole)}</span>}</td>
                  <td data-field="action" title={e.action}>{auditActionLabel(e.action, lang)}</td>
                  <td data-field="target" lang={e.target?.startsWith('user:') ? undefined : 'zxx'}>{targetText(e.target)}</td>
                  <td>{e.outcome === 'success' ? t(outcomeKeys[e.outcome]) : <span class="tag warn">{t(outcomeKeys[e.outcome])}</span>}</td>
                  <td class="small">{e.ip ?? ''}</td>
                  <td class="small detail"><code lang="zxx">{e.detail ? JSON.stringify(e.detail).slice(0, 200) : ''}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="actions pager">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors([null])}>{t('newest')}</button>
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>← {t('back')}</button>
        <button type="button" disabled={!page?.nextBefore} onClick={() => page?.nextBefore && setCursors([...cursors, page.nextBefore])}>{t('older')} →</button>
      </div>
    </section>
  );
}
