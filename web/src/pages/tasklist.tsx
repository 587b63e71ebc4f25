/**
 * 待办 / 已办 / 办结 with counts, and 案件查询. 待办 lists tasks (each is something to do); 已办 /
 * 办结 list cases, one card per case with my part in it, so a case closed after five steps of
 * mine is one card, not five. Lists refresh every few seconds without a reload (only when the
 * answer changed), so new tasks appear on their own.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, poll, type CaseItem, type CaseRecord, type Category, type TaskItem } from '../api.js';
import { formatTime, sourceLabel, statusLabel, t } from '../i18n.js';
import { navigate } from '../router.js';
import { categoryName, useCategories } from '../ui/categories.js';
import { countLabel, Pager } from '../ui/pager.js';
import { usePolling } from '../ui/poll.js';

type View = 'todo' | 'done' | 'closed';
/** `kind` "task": 待办's tasks; "case": 已办 / 办结's cases. */
interface TaskPage { kind: 'task' | 'case'; items: (TaskItem | CaseItem)[]; names?: Record<string, string>; total: number; totalCapped?: boolean; counts: Record<View, number>; countsCapped?: Record<View, boolean> }

/** Rows per page of the lists and the search. */
const pageSize = 50;

function countLabels(page: TaskPage): Record<View, string> {
  const label = (v: View) => countLabel(page.counts[v], page.countsCapped?.[v]);
  return { todo: label('todo'), done: label('done'), closed: label('closed') };
}

export function TaskListPage({ path }: { path: string }) {
  const params = new URLSearchParams(path.split('?')[1] ?? '');
  const view = (params.get('view') ?? 'todo') as View | 'search';
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
  const [page, setPage] = useState<TaskPage | null>(null);
  const [counts, setCounts] = useState<Record<View, string> | null>(null);
  const categories = useCategories();

  const first = useRef(false);
  const [failed, setFailed] = useState('');
  // the list follows new tasks without a reload: poll (with the last ETag) while on screen
  usePolling(async (isStopped) => {
    try {
      const v = view === 'search' ? 'todo' : view;
      const answer = await poll<TaskPage>(`/tasks?view=${v}&limit=${pageSize}&offset=${view === 'search' ? 0 : offset}&counts=true`);
      if (!isStopped() && (answer.changed || !first.current)) {
        first.current = true;
        setFailed('');
        setCounts(countLabels(answer.data));
        if (view !== 'search') setPage(answer.data);
      }
    } catch (error) {
      // the next poll tries again; say so instead of "loading" forever
      if (!isStopped()) setFailed((error as Error).message);
    }
  }, 4000, [view, offset]);

  const tabs: [View | 'search', string][] = [['todo', t('tabTodo')], ['done', t('tabDone')], ['closed', t('tabClosed')], ['search', t('tabSearch')]];
  return (
    <section>
      <nav class="tabs" aria-label={t('tabTodo')}>
        {tabs.map(([key, label]) => (
          <a key={key} href={key === 'todo' ? '/' : `/?view=${key}`} aria-current={view === key ? 'page' : undefined} data-tab={key}>
            {label}{key !== 'search' && counts ? <span class="count" data-count={key}>{counts[key]}</span> : null}
          </a>
        ))}
      </nav>
      {failed && <p class="error" role="status" data-load-failed="">{t('listFailed')} — {failed}</p>}
      {view === 'search' ? <CaseSearch categories={categories} params={params} /> : (
        <>
          {page?.kind === 'case' ? <CaseList page={page} view={view} categories={categories} /> : <TaskList page={page} view={view} categories={categories} />}
          {page && <Pager offset={offset} shown={page.items.length} pageSize={pageSize} total={page.total} capped={page.totalCapped} go={(to) => `/?${new URLSearchParams({ ...(view !== 'todo' && { view }), ...(to > 0 && { offset: String(to) }) })}`} />}
        </>
      )}
    </section>
  );
}

function TaskList({ page, view, categories }: { page: TaskPage | null; view: View; categories: Category[] }) {
  if (!page) return <p aria-busy="true">{t('loading')}</p>;
  if (page.items.length === 0) return <p class="empty">{t('noTasks')}</p>;
  return (
    <ul class="cards" aria-live="polite" data-list={view}>
      {(page.items as TaskItem[]).map((task) => (
        <li key={task.id} class="card task" data-element={task.elementId} data-case={task.caseNumber}>
          <a class="cover" href={view === 'todo' ? `/tasks/${task.id}` : `/cases/${task.caseId}`} aria-label={`${task.name ?? task.elementId} ${task.caseNumber}`} />
          <div class="row"><strong class="step">{task.name ?? task.elementId}</strong><span class="muted">{task.caseNumber}</span></div>
          <div class="row"><span class="tag">{categoryName(categories, task.category)}</span><span>{task.address}</span></div>
          <p class="desc">{task.description}</p>
          <div class="row muted small">
            <span>{formatTime(view === 'todo' ? task.createdAt : task.completedAt)}</span>
            {task.round > 0 && <span>{t('round')} {task.round}</span>}
            {task.assignee ? <span data-assignee={task.assignee}>{t('assignee')}: {page.names?.[task.assignee] ?? task.assignee}</span> : view === 'todo' && <span class="tag warn">{t('claim')}</span>}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** 我办理：现场核实、核查 ×2 — the steps I did in a case, in the order I first did each. */
function myPart(item: CaseItem): string {
  return item.mySteps.map((s) => `${s.name ?? s.elementId}${s.count > 1 ? ` ×${s.count}` : ''}`).join(t('listSep'));
}

/** 已办 / 办结: one card per case, with where it stands and what I did in it. */
function CaseList({ page, view, categories }: { page: TaskPage; view: View; categories: Category[] }) {
  if (page.items.length === 0) return <p class="empty">{t('noCases')}</p>;
  return (
    <ul class="cards" aria-live="polite" data-list={view}>
      {(page.items as CaseItem[]).map((item) => (
        <li key={item.caseId} class="card case" data-case={item.caseNumber} data-status={item.caseStatus} data-step={item.currentStep ?? undefined}>
          <a class="cover" href={`/cases/${item.caseId}`} aria-label={`${t('caseOf')} ${item.caseNumber}`} />
          <div class="row">
            <strong class="state">{statusLabel(item.caseStatus)}{item.caseStatus === 'open' && item.currentStepName ? ` · ${item.currentStepName}` : ''}</strong>
            <span class="muted">{item.caseNumber}</span>
          </div>
          <div class="row"><span class="tag">{categoryName(categories, item.category)}</span><span>{item.address}</span></div>
          <p class="desc">{item.description}</p>
          <p class="mine" data-my-steps="">{t('myPart')}{myPart(item)}</p>
          <div class="row muted small">
            <span data-last-done="">{t('lastDone')} {formatTime(item.lastDoneAt)}</span>
            {item.rounds > 0 && <span>{t('round')} {item.rounds}</span>}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** The search's filters in the page's address (`/?view=search&q=…`): reload and back/forward keep them. */
const searchFilters = ['q', 'status', 'category', 'reporterPhone'] as const;

function searchAddress(filters: URLSearchParams, offset: number): string {
  const query = new URLSearchParams({ view: 'search' });
  for (const [k, v] of filters) query.set(k, v);
  if (offset > 0) query.set('offset', String(offset));
  return `/?${query}`;
}

function CaseSearch({ categories, params }: { categories: Category[]; params: URLSearchParams }) {
  const [result, setResult] = useState<{ items: CaseRecord[]; total: number; totalCapped?: boolean; offset: number; key: string } | null>(null);
  const [failed, setFailed] = useState('');
  /** Searching again for what is on screen asks again (the address does not change). */
  const [again, setAgain] = useState(0);
  // the search on screen is the one in the address; paging keeps it even if the form was edited since
  const filters = new URLSearchParams();
  for (const k of searchFilters) {
    const v = params.get(k)?.trim();
    if (v) filters.set(k, v);
  }
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
  const key = filters.toString();
  useEffect(() => {
    let stale = false;
    const query = new URLSearchParams(filters);
    query.set('limit', String(pageSize));
    if (offset > 0) query.set('offset', String(offset));
    get<{ items: CaseRecord[]; total: number; totalCapped?: boolean }>(`/cases?${query}`).then(
      (answer) => {
        if (stale) return;
        setFailed('');
        setResult({ ...answer, offset, key });
      },
      (error: Error) => !stale && setFailed(error.message),
    );
    return () => void (stale = true);
  }, [key, offset, again]);
  function search(event: Event) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(event.currentTarget as HTMLFormElement)) if (String(v).trim()) next.set(k, String(v).trim());
    const to = searchAddress(next, 0);
    if (to === location.pathname + location.search) setAgain((n) => n + 1);
    else navigate(to);
  }
  return (
    <>
      {/* keyed by the search: back/forward to another search shows its filters in the form */}
      <form key={key} id="case-search" class="filters" onSubmit={search} role="search">
        <label>{t('search')}<input name="q" type="search" maxLength={100} placeholder={t('searchPlaceholder')} defaultValue={filters.get('q') ?? ''} /></label>
        <label>{t('status')}
          <select name="status"><option value="">{t('all')}</option>{['open', 'closed', 'dismissed'].map((s) => <option value={s} selected={filters.get('status') === s}>{statusLabel(s)}</option>)}</select>
        </label>
        <label>{t('category')}
          <select name="category"><option value="">{t('all')}</option>{categories.map((c) => <option value={c.code} selected={filters.get('category') === c.code}>{categoryName(categories, c.code)}</option>)}</select>
        </label>
        <label>{t('reporterPhone')}<input name="reporterPhone" inputMode="tel" defaultValue={filters.get('reporterPhone') ?? ''} /></label>
        <button class="primary" type="submit">{t('search')}</button>
      </form>
      {failed && <p class="error" role="alert" data-search-failed="">{t('searchFailed')} — {failed}</p>}
      {!result ? (!failed && <p>{t('loading')}</p>) : result.items.length === 0 ? <p class="empty" data-search={result.key}>{t('empty')}</p> : (
        <table class="list" data-search={result.key}>
          <caption>{t('total')} {countLabel(result.total, result.totalCapped)} {t('items')}</caption>
          <thead><tr><th scope="col">{t('caseNumber')}</th><th scope="col">{t('category')}</th><th scope="col">{t('address')}</th><th scope="col">{t('source')}</th><th scope="col">{t('status')}</th><th scope="col">{t('createdAt')}</th></tr></thead>
          <tbody>
            {result.items.map((c) => (
              <tr key={c.id} onClick={() => navigate(`/cases/${c.id}`)}>
                <td><a href={`/cases/${c.id}`}>{c.number}</a></td><td>{categoryName(categories, c.category)}</td><td>{c.address}</td>
                <td>{sourceLabel(c.source)}</td><td>{statusLabel(c.status)}</td><td>{formatTime(c.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result && <Pager offset={result.offset} shown={result.items.length} pageSize={pageSize} total={result.total} capped={result.totalCapped} go={(to) => searchAddress(new URLSearchParams(result.key), to)} />}
    </>
  );
}
