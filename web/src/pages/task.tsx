/**
 * One task: its case (summary, location, photos), claim, give back (取消认领, with a reason) and
 * 转派 (reassign, with a reason) where the person may, and the form rendered by form-js; the
 * server's field errors (422) are shown inline and in a summary.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, get, post, type CaseRecord, type FieldError } from '../api.js';
import { formatTime, t } from '../i18n.js';
import { navigate } from '../router.js';
import { flashOn } from '../ui/flash.js';
import { user } from '../session.js';
import { CaseSummary } from '../ui/case-summary.js';
import { draftKey } from '../ui/draft-key.js';
import { Evidence } from '../ui/evidence.js';
import { PhotoPicker } from '../ui/photo-picker.js';
import { conditionalErrors, mountForm, photoFields, type FormSchema, type MountedForm } from '../ui/task-form.js';

interface TaskAnswer {
  task: { id: string; caseId: string; elementId: string; name: string | null; assignee: string | null; state: string; round: number };
  case: CaseRecord; canClaim: boolean; canComplete: boolean; canUnclaim?: boolean; canReassign?: boolean;
}
interface Choice { value: string; label: string }
interface FormAnswer { formId: string; schema: FormSchema; data: Record<string, unknown>; options: Record<string, unknown> }
interface Draft { data: Record<string, unknown>; photos: Record<string, string[]>; savedAt: string }

export function TaskPage({ id }: { id: string }) {
  const [task, setTask] = useState<TaskAnswer | null>(null);
  const [formAnswer, setFormAnswer] = useState<FormAnswer | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const photos = useRef<Record<string, string[]>>({});
  const draft = useRef<Draft | null>(null);
  const [draftNote, setDraftNote] = useState('');
  const dirty = useRef(false);
  const changes = useRef(0);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastData = useRef<Record<string, unknown>>({});
  /** The draft as last saved or restored: a `changed` that brings nothing new is not a change. */
  const savedKey = useRef('');

  /** Saves the draft a moment after the last change (the form as typed, the photos uploaded). */
  function scheduleDraft() {
    const key = draftKey(lastData.current, photos.current);
    if (key === savedKey.current && !dirty.current) return;
    dirty.current = true;
    const change = ++changes.current;
    // 草稿已保存 only once the latest change is saved, never for an earlier save
    setDraftNote('');
    clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(() => {
      void api('PUT', `/tasks/${id}/draft`, { data: lastData.current, photos: photos.current }).then(() => {
        if (change !== changes.current) return;
        dirty.current = false;
        savedKey.current = key;
        setDraftNote(t('draftSaved'));
      }, () => setDraftNote(t('draftNotSaved')));
    }, 800);
  }

  useEffect(() => {
    // leaving with changes not yet saved asks first
    const warn = (event: BeforeUnloadEvent) => {
      if (!dirty.current) return;
      event.preventDefault();
      event.returnValue = '';
    };
    addEventListener('beforeunload', warn);
    return () => removeEventListener('beforeunload', warn);
  }, []);
  const host = useRef<HTMLDivElement>(null);
  const mounted = useRef<MountedForm | null>(null);

  async function load() {
    try {
      const answer = await get<TaskAnswer>(`/tasks/${id}`);
      setTask(answer);
      if (answer.canComplete && answer.task.state === 'created') {
        // my draft, if any: what I typed and the photos I uploaded before a reload or a lost tab
        const [form, saved] = await Promise.all([get<FormAnswer>(`/tasks/${id}/form`), get<{ draft: Draft | null }>(`/tasks/${id}/draft`).catch(() => ({ draft: null }))]);
        draft.current = saved.draft;
        photos.current = { ...(saved.draft?.photos ?? {}) };
        setDraftNote(saved.draft ? `${t('draftRestored')} ${formatTime(saved.draft.savedAt)}` : '');
        setFormAnswer(saved.draft ? { ...form, data: { ...form.data, ...saved.draft.data } } : form);
      }
      else setFormAnswer(null);
    } catch (e) {
      setMessage((e as Error).message);
    }
  }
  useEffect(() => void load(), [id]);

  useEffect(() => {
    if (!formAnswer || !host.current) return;
    let live = true;
    void mountForm(host.current, formAnswer.schema, { ...formAnswer.data, ...formAnswer.options }).then((m) => {
      if (live) {
        mounted.current = m;
        // what the form shows now (a restored draft, or the task's own data) is not a change
        lastData.current = m.data();
        savedKey.current = draftKey(lastData.current, photos.current);
        m.onChange((data) => {
          lastData.current = data;
          scheduleDraft();
        });
      }
      else m.destroy();
    });
    return () => {
      live = false;
      mounted.current?.destroy();
      mounted.current = null;
    };
  }, [formAnswer]);

  async function claim() {
    setBusy(true);
    try {
      await post(`/tasks/${id}/claim`);
      await load();
    } catch (e) {
      setMessage((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function complete(event: Event) {
    event.preventDefault();
    if (!formAnswer || !mounted.current) return;
    const data = mounted.current.submit();
    const missing = photoFields(formAnswer.schema).filter((f) => f.validate?.required && !(photos.current[f.key as string]?.length))
      .map((f) => ({ field: f.key as string, message: t('photoRequired') }));
    const unanswered = data ? conditionalErrors(formAnswer.schema, data, t('required')) : [];
    if (unanswered.length) mounted.current.showErrors(unanswered);
    missing.push(...unanswered);
    setErrors(missing);
    if (!data || missing.length) {
      setMessage(t('fixErrors'));
      return;
    }
    const variables: Record<string, unknown> = {};
    for (const c of formAnswer.schema.components) if (c.key && c.key in data) variables[c.key] = data[c.key];
    for (const f of photoFields(formAnswer.schema)) variables[f.key as string] = photos.current[f.key as string] ?? [];
    setBusy(true);
    setMessage(t('submitting'));
    try {
      clearTimeout(saveTimer.current);
      await post(`/tasks/${id}/complete`, { variables });
      dirty.current = false;
      if (task) flashOn('/', `${t('submitted')}：${task.task.name ?? task.task.elementId} · ${task.case.number}`);
      navigate('/');
    } catch (e) {
      const list = e instanceof ApiError ? e.problem.errors ?? (e.problem.field ? [{ field: e.problem.field, message: e.message }] : []) : [];
      mounted.current?.showErrors(list);
      setErrors(list);
      setMessage(list.length ? t('fixErrors') : (e as Error).message);
      setBusy(false);
    }
  }

  if (!task) return <p aria-busy="true">{message || t('loading')}</p>;
  const photoKeys = new Set(formAnswer ? photoFields(formAnswer.schema).map((f) => f.key as string) : []);
  const labelOf = (field: string) => formAnswer?.schema.components.find((c) => c.key === field)?.label ?? field;
  return (
    <article class="task-page">
      <p><a href="/">← {t('back')}</a></p>
      <h1>{task.task.name ?? task.task.elementId} <span class="muted">{task.case.number}</span></h1>
      {/* folded on a phone, so the form starts within the first screen */}
      <details class="case-fold" open={globalThis.matchMedia?.('(min-width: 720px)').matches ?? true} data-case-summary>
        <summary>{t('caseOf')} {task.case.number} · {task.case.address}</summary>
        <CaseSummary record={task.case} />
      </details>
      <Evidence caseId={task.case.id} taskId={id} />
      <div class="actions">
        {/* where the form is shown, submitting claims the task: no separate 认领 */}
        {task.canClaim && !task.task.assignee && !task.canComplete && <button class="primary" disabled={busy} onClick={() => void claim()}>{t('claim')}</button>}
        <a class="button" href={`/cases/${task.case.id}`}>{t('caseOf')} · {t('timeline')}</a>
      </div>
      <HandOver taskId={id} assignee={task.task.assignee} canUnclaim={!!task.canUnclaim} canReassign={!!task.canReassign} onDone={(left) => (left ? navigate('/') : void load())} />
      {!task.canComplete && task.canClaim && <p class="hint">{t('claimFirst')}</p>}
      {formAnswer && (
        <form class="task-form card" onSubmit={complete} noValidate>
          <div ref={host} class="formjs-host" />
          {photoFields(formAnswer.schema).map((f) => (
            <PhotoPicker key={f.key} taskId={id} initial={draft.current?.photos[f.key as string] ?? []} fieldKey={f.key as string} label={f.label ?? ''} required={!!f.validate?.required}
              error={errors.find((e) => e.field === f.key)?.message} onChange={(ids) => {
                photos.current[f.key as string] = ids;
                scheduleDraft();
                // a photo added clears the field's error at once
                if (ids.length) setErrors((list) => list.filter((e) => e.field !== f.key));
              }} />
          ))}
          {errors.some((e) => !photoKeys.has(e.field)) && (
            <ul class="error-summary" role="alert" aria-label={t('fixErrors')}>
              {/* a photo field's error is named once, at the field */}
              {errors.filter((e) => !photoKeys.has(e.field)).map((e) => <li key={e.field} data-field={e.field}>{labelOf(e.field)}：{e.message}</li>)}
            </ul>
          )}
          {message && <p class="status" role="status">{message}</p>}
          {draftNote && <p class="muted small" data-draft>{draftNote}</p>}
          <button type="submit" class="primary big" disabled={busy}>{t('submit')}</button>
        </form>
      )}
    </article>
  );
}

/**
 * 取消认领 and 转派: each opens a small form asking for the reason (required by the server too).
 * Giving back one's own task leaves the page (the task is no longer one's own).
 */
function HandOver({ taskId, assignee, canUnclaim, canReassign, onDone }: { taskId: string; assignee: string | null; canUnclaim: boolean; canReassign: boolean; onDone: (left: boolean) => void }) {
  const [open, setOpen] = useState<'unclaim' | 'reassign' | null>(null);
  const [reason, setReason] = useState('');
  const [choices, setChoices] = useState<Choice[] | null>(null);
  const [target, setTarget] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  if (!canUnclaim && !canReassign) return null;

  function show(which: 'unclaim' | 'reassign') {
    setOpen(which);
    setReason('');
    setError('');
    if (which === 'reassign') {
      setChoices(null);
      get<{ options: Choice[] }>(`/tasks/${taskId}/reassign-options`).then((answer) => {
        setChoices(answer.options);
        setTarget(answer.options[0]?.value ?? '');
      }, (e) => setError((e as Error).message));
    }
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (!reason.trim()) {
      setError(`${open === 'unclaim' ? t('unclaimReason') : t('reassignReason')}：${t('required')}`);
      return;
    }
    setBusy(true);
    try {
      if (open === 'unclaim') await post(`/tasks/${taskId}/unclaim`, { reason });
      else await post(`/tasks/${taskId}/reassign`, { assignee: target, reason });
      const me = user.get()?.username;
      setOpen(null);
      onDone(open === 'unclaim' && assignee === me);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="hand-over">
      {!open && (
        <div class="actions">
          {canUnclaim && <button type="button" onClick={() => show('unclaim')}>{t('unclaim')}</button>}
          {canReassign && <button type="button" onClick={() => show('reassign')}>{t('reassign')}</button>}
        </div>
      )}
      {open && (
        <form class="card" data-form={open} onSubmit={submit} noValidate>
          {open === 'unclaim' && <p class="hint">{t('unclaimHint')}</p>}
          {open === 'reassign' && (
            choices === null ? <p aria-busy="true">{t('loading')}</p>
              : choices.length === 0 ? <p class="hint">{t('noReassignTargets')}</p>
                : <label>{t('reassignTo')}<select name="assignee" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
                  {choices.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
                </select></label>
          )}
          <label>{open === 'unclaim' ? t('unclaimReason') : t('reassignReason')}
            <textarea name="reason" required maxLength={500} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </label>
          {error && <p class="error" role="alert">{error}</p>}
          <div class="actions">
            <button type="submit" class="primary" disabled={busy || (open === 'reassign' && !target)}>{open === 'unclaim' ? t('unclaimConfirm') : t('reassignConfirm')}</button>
            <button type="button" onClick={() => setOpen(null)}>{t('cancel')}</button>
          </div>
        </form>
      )}
    </div>
  );
}
