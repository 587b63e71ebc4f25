/**
 * 执法文件: search the regulations (ranked by the server; the terms marked from the offsets
 * it returns, the text itself always escaped by Preact), read one on a phone with its matches
 * marked and a next/previous bar, and — for admins — upload, repeal or delete documents.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { api, get, ApiError, type FieldError } from '../api.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import { user } from '../session.js';
import { Pager } from '../ui/pager.js';
import './laws.css';

type Range = [number, number];
interface LawSummary { id: string; title: string; issuer: string; docNumber: string | null; effectiveDate: string; status: 'effective' | 'repealed'; format: string; bytes: number }
interface LawHit extends LawSummary { score: number | null; titleHighlights: Range[]; snippet: { text: string; highlights: Range[]; cutStart: boolean; cutEnd: boolean } }
interface LawDocument extends LawSummary { text: string; highlights: Range[] }

const pageSize = 20;

/** Text with the given ranges wrapped in <mark> (and an optional bold lead); every piece is a text node. */
function Marked({ text, ranges, strong = 0, offset = 0, firstHit = 0 }: { text: string; ranges: Range[]; strong?: number; offset?: number; firstHit?: number }) {
  const cuts = new Set([0, text.length, strong]);
  for (const [s, e] of ranges) {
    cuts.add(Math.max(0, Math.min(text.length, s - offset)));
    cuts.add(Math.max(0, Math.min(text.length, e - offset)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: ComponentChildren[] = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [a, b] = [points[i], points[i + 1]];
    if (a === b) continue;
    const hit = ranges.findIndex(([s, e]) => s - offset <= a && e - offset >= b);
    let node: ComponentChildren = text.slice(a, b);
    if (hit >= 0) node = <mark data-hit={firstHit + hit}>{node}</mark>;
    if (a < strong) node = <strong>{node}</strong>;
    out.push(node);
  }
  return <>{out}</>;
}

function StatusTag({ status }: { status: string }) {
  return status === 'repealed' ? <span class="tag warn">{t('lawRepealed')}</span> : <span class="tag">{t('lawEffective')}</span>;
}

function Meta({ law }: { law: LawSummary }) {
  return (
    <div class="law-meta">
      <span>{law.issuer}</span>
      {law.docNumber && <span>{law.docNumber}</span>}
      <span>{t('lawEffectiveDate')} {law.effectiveDate}</span>
      <StatusTag status={law.status} />
    </div>
  );
}

function UploadForm() {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const errorOf = (field: string) => errors.find((e) => e.field === field)?.message;
  async function submit(event: Event) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const file = data.get('file');
    data.delete('file');
    if (file) data.append('file', file); // fields first: the server reads them before the file
    setBusy(true);
    setErrors([]);
    setMessage('');
    try {
      const created = await api<LawSummary>('POST', '/laws', data);
      navigate(`/laws/${created.id}`);
    } catch (error) {
      const problem = error instanceof ApiError ? error.problem : {};
      setErrors(problem.errors ?? (problem.field ? [{ field: problem.field, message: (error as Error).message }] : []));
      setMessage(`${problem.title ?? ''} ${problem.detail ?? (error as Error).message}`.trim());
    } finally {
      setBusy(false);
    }
  }
  const field = (name: string, label: string, input: ComponentChildren) => (
    <label>{label}{input}{errorOf(name) && <span class="error" id={`law-${name}-error`}> {errorOf(name)}</span>}</label>
  );
  return (
    <details class="card law-upload">
      <summary>{t('lawUpload')}</summary>
      <form onSubmit={submit} aria-describedby="law-upload-status">
        {field('title', t('lawTitle'), <input name="title" required maxLength={200} aria-invalid={!!errorOf('title')} />)}
        {field('issuer', t('lawIssuer'), <input name="issuer" required maxLength={100} aria-invalid={!!errorOf('issuer')} />)}
        <div class="two">
          {field('docNumber', t('lawDocNumber'), <input name="docNumber" maxLength={100} />)}
          {field('effectiveDate', t('lawEffectiveDate'), <input name="effectiveDate" type="date" required aria-invalid={!!errorOf('effectiveDate')} />)}
        </div>
        {field('status', t('status'), <select name="status"><option value="effective">{t('lawEffective')}</option><option value="repealed">{t('lawRepealed')}</option></select>)}
        {field('file', t('lawFile'), <input name="file" type="file" required accept=".pdf,.docx,.odt,.md,.markdown,.txt,application/pdf,text/plain,text/markdown" aria-invalid={!!errorOf('file')} />)}
        <button class="primary" type="submit" disabled={busy}>{busy ? t('uploading') : t('upload')}</button>
        <p id="law-upload-status" role="status" class={message ? 'error' : ''}>{message}</p>
      </form>
    </details>
  );
}

export function LawsPage({ path }: { path: string }) {
  const params = new URLSearchParams(path.split('?')[1] ?? '');
  const q = params.get('q') ?? '';
  const status = params.get('status') ?? '';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const [page, setPage] = useState<{ items: LawHit[]; total: number } | null>(null);
  const [error, setError] = useState('');
  const me = user.get();
  const query = (next: Record<string, string | number>) => {
    const p = new URLSearchParams({ ...(q && { q }), ...(status && { status }), ...Object.fromEntries(Object.entries(next).map(([k, v]) => [k, String(v)])) });
    for (const [k, v] of [...p]) if (!v || v === '0') p.delete(k);
    return `/laws${p.size ? `?${p}` : ''}`;
  };
  useEffect(() => {
    const p = new URLSearchParams({ limit: String(pageSize), offset: String(offset), ...(q && { q }), ...(status && { status }) });
    get<{ items: LawHit[]; total: number }>(`/laws?${p}`).then(setPage, (e: Error) => setError(e.message));
  }, [q, status, offset]);
  function search(event: Event) {
    event.preventDefault();
    const f = new FormData(event.target as HTMLFormElement);
    navigate(query({ q: String(f.get('q')).trim(), status: String(f.get('status')), offset: 0 }));
  }
  return (
    <section class="laws">
      <h1>{t('laws')}</h1>
      {/* uncontrolled fields: a re-render (the list answering) must not reset what is being typed;
          the page is mounted afresh for every address, so they start from the URL */}
      <form class="filters" role="search" onSubmit={search}>
        <label>{t('lawSearch')}<input name="q" type="search" defaultValue={q} maxLength={100} placeholder={t('lawSearchHint')} enterKeyHint="search" /></label>
        <label>{t('status')}
          <select name="status">
            <option value="" selected={!status}>{t('all')}</option><option value="effective" selected={status === 'effective'}>{t('lawEffective')}</option><option value="repealed" selected={status === 'repealed'}>{t('lawRepealed')}</option>
          </select>
        </label>
        <button class="primary" type="submit">{t('search')}</button>
      </form>
      {me?.role === 'admin' && <UploadForm />}
      {error ? <p class="error" role="alert">{error}</p> : !page ? <p aria-busy="true">{t('loading')}</p> : page.items.length === 0 ? <p class="empty">{q ? t('lawNoResults') : t('empty')}</p> : (
        <>
          <p class="muted small" role="status">{t('total')} {page.total} {t('items')}</p>
          <ul class="cards" data-list="laws">
            {page.items.map((law) => (
              <li key={law.id} class="card law-hit" data-law={law.id}>
                <h2><a href={`/laws/${law.id}${q ? `?q=${encodeURIComponent(q)}` : ''}`}><Marked text={law.title} ranges={law.titleHighlights} /></a></h2>
                <Meta law={law} />
                <p class="snippet">{law.snippet.cutStart && '…'}<Marked text={law.snippet.text} ranges={law.snippet.highlights} />{law.snippet.cutEnd && '…'}</p>
              </li>
            ))}
          </ul>
          <Pager offset={offset} shown={page.items.length} pageSize={pageSize} total={page.total} go={(to) => query({ offset: to })} />
        </>
      )}
    </section>
  );
}

const chapter = /^第[一二三四五六七八九十百零〇\d]+[编章节](\s|$)/;
const article = /^第[一二三四五六七八九十百千零〇\d]+条/;

export function LawReaderPage({ id, path }: { id: string; path: string }) {
  const q = new URLSearchParams(path.split('?')[1] ?? '').get('q') ?? '';
  const [law, setLaw] = useState<LawDocument | null>(null);
  const [error, setError] = useState('');
  const [current, setCurrent] = useState(-1);
  const text = useRef<HTMLDivElement>(null);
  const me = user.get();
  useEffect(() => {
    get<LawDocument>(`/laws/${encodeURIComponent(id)}${q ? `?q=${encodeURIComponent(q)}` : ''}`).then(setLaw, (e: Error) => setError(e.message));
  }, [id, q]);
  useEffect(() => {
    const marks = text.current?.querySelectorAll('mark[data-hit]') ?? [];
    marks.forEach((m) => m.classList.toggle('current', Number((m as HTMLElement).dataset.hit) === current));
    if (current >= 0) text.current?.querySelector(`mark[data-hit="${current}"]`)?.scrollIntoView({ block: 'center' });
  }, [current, law]);
  if (error) return <p class="error" role="alert">{error}</p>;
  if (!law) return <p aria-busy="true">{t('loading')}</p>;
  const hits = law.highlights.length;
  const step = (by: number) => setCurrent((c) => (c + by + hits) % hits);
  async function setStatus(status: 'effective' | 'repealed') {
    const saved = await api<LawSummary>('PATCH', `/laws/${id}`, { status });
    setLaw((l) => l && { ...l, ...saved });
  }
  async function remove() {
    if (!confirm(t('confirmRemove'))) return;
    await api('DELETE', `/laws/${id}`);
    navigate('/laws');
  }
  // paragraphs with their offsets in the whole text, so the server's ranges land in the right one
  let at = 0;
  const paragraphs = law.text.split('\n').map((line) => {
    const start = at;
    at += line.length + 1;
    return { line, start };
  });
  let hitIndex = 0;
  return (
    <article class="law-reader">
      <p><a href={q ? `/laws?q=${encodeURIComponent(q)}` : '/laws'}>{q ? t('lawBackToResults') : t('laws')}</a></p>
      <h1>{law.title}</h1>
      <Meta law={law} />
      <div class="actions">
        <a class="button" href={`/api/laws/${law.id}/file`} download>{t('lawDownload')}</a>
        {me?.role === 'admin' && (
          <>
            <button type="button" onClick={() => void setStatus(law.status === 'repealed' ? 'effective' : 'repealed')}>{law.status === 'repealed' ? t('lawMarkEffective') : t('lawMarkRepealed')}</button>
            <button type="button" onClick={() => void remove()}>{t('remove')}</button>
          </>
        )}
      </div>
      <div class="law-text" ref={text}>
        {paragraphs.map(({ line, start }) => {
          const ranges = law.highlights.filter(([s, e]) => s < start + line.length && e > start);
          const first = hitIndex;
          hitIndex += ranges.length;
          const lead = chapter.test(line) ? 0 : article.exec(line)?.[0].length ?? 0;
          return <p class={chapter.test(line) ? 'law-chapter' : undefined}><Marked text={line} ranges={ranges} offset={start} strong={lead} firstHit={first} /></p>;
        })}
      </div>
      {q && (
        <div class="law-matches" role="navigation" aria-label={t('lawMatches')}>
          <span role="status">{hits} {t('lawMatches')}{current >= 0 ? ` · ${current + 1}/${hits}` : ''}</span>
          <button type="button" onClick={() => step(-1)} disabled={!hits}>{t('lawPrevMatch')}</button>
          <button type="button" onClick={() => step(1)} disabled={!hits}>{t('lawNextMatch')}</button>
        </div>
      )}
    </article>
  );
}
