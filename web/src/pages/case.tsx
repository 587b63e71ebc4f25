/**
 * The case view: facts, the diagram with the path so far, the timeline (the archive), photos
 * with their verification flags, and the SMS exchanged with the reporter. A closed case offers
 * the desk 重新开启 for a new round.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, poll, type CaseDetail, type CaseNames, type Photo } from '../api.js';
import { formatTime, t } from '../i18n.js';
import { isDesk, user } from '../session.js';
import { CaseSummary } from '../ui/case-summary.js';
import { FormData, noNames, PhotoThumbs, useFieldLabels } from '../ui/case-record.js';
import { usePolling } from '../ui/poll.js';
import { ReopenDialog } from '../ui/reopen-dialog.js';

interface Sms { id: number; to: string; text: string; state?: string; createdAt?: string; queuedAt?: string }

const eventKeys: Record<string, Parameters<typeof t>[0]> = {
  'case.created': 'eventCreated', 'task.created': 'eventTaskCreated', 'task.completed': 'eventTaskCompleted', 'task.claimed': 'eventTaskClaimed', 'case.closed': 'eventClosed', 'job.completed': 'eventJob',
  'task.unclaimed': 'eventTaskUnclaimed', 'task.reassigned': 'eventTaskReassigned', 'case.reopened': 'eventReopened', 'case.dismissed': 'eventDismissed',
};

/** The automatic steps' names (the user tasks' names come with the case). */
const stepNames: Record<string, string> = {
  caseRegistered: '案件登记', acknowledgeReport: '受理短信', checkVerifyPhotos: '照片核验', suggestUnit: '推荐责任单位', suggestOfficer: '推荐执法队员',
  checkEnforcePhotos: '照片核验', checkRecheckPhotos: '照片核验', notifyResolved: '结果短信', notifyDismissed: '结果短信', archiveResolved: '归档', archiveDismissed: '归档', caseClosed: '结案', caseDismissed: '不属实结束',
};

export function CasePage({ id }: { id: string }) {
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [sms, setSms] = useState<Sms[]>([]);
  const [received, setReceived] = useState<{ id: number; sender: string; text: string; receivedAt: string }[]>([]);
  const [error, setError] = useState('');
  const diagram = useRef<HTMLDivElement>(null);
  const labels = useFieldLabels();
  // a phone reads the steps as a list; the diagram is one tap away
  const narrow = globalThis.matchMedia?.('(max-width: 719px)').matches ?? false;
  const [showDiagram, setShowDiagram] = useState(false);
  const [reopening, setReopening] = useState(false);

  const seen = useRef('');
  // an open case moves on while it is watched (workers finish steps, people complete tasks):
  // refresh while the page is on screen, and redraw only when the record changed
  usePolling(async (isStopped) => {
    if (seen.current.startsWith('final:')) return;
    try {
      const { data: next, changed } = await poll<CaseDetail>(`/cases/${id}`);
      if (isStopped() || (!changed && seen.current)) return;
      seen.current = next.case.status === 'open' ? 'open' : 'final:';
      setDetail(next);
      get<Photo[]>(`/cases/${id}/photos`).then(setPhotos, () => undefined);
      if (isDesk(user.get())) {
        get<Sms[]>(`/sms/messages?caseId=${id}`).then(setSms, () => undefined);
        // the reporter's own messages: the first and any repeat linked to the case
        get<{ items: typeof received }>(`/sms/inbox?caseId=${encodeURIComponent(id)}&limit=50`).then((page) => setReceived(page.items), () => undefined);
      }
    } catch (e) {
      if (!seen.current) setError((e as Error).message);
    }
  }, 5000, [id]);

  useEffect(() => {
    if (!detail || !diagram.current) return;
    const done = new Map<string, number>();
    for (const e of detail.timeline) if (e.type === 'task.completed' && e.elementId) done.set(e.elementId, (done.get(e.elementId) ?? 0) + 1);
    let dispose: (() => void) | null = null;
    let live = true;
    void import('../ui/diagram.js')
      .then((m) => m.showDiagram(diagram.current as HTMLElement, { version: detail.case.processVersion, current: detail.case.currentStep, done }))
      .then((d) => (live ? (dispose = d) : d()), (e) => console.error(e));
    return () => {
      live = false;
      dispose?.();
    };
  }, [detail, showDiagram]);

  if (error) return <p class="error" role="alert">{error}</p>;
  if (!detail) return <p aria-busy="true">{t('loading')}</p>;
  const names = new Map<string, string>([...Object.entries(stepNames), ...detail.rounds.flatMap((r) => r.tasks.map((task) => [task.elementId, task.name ?? task.elementId] as const))]);
  return (
    <article class="case-page">
      <p><a href="/">← {t('back')}</a></p>
      <h1>{t('caseOf')} {detail.case.number}</h1>
      {detail.case.relatedCaseId && <p data-related-case><a href={`/cases/${detail.case.relatedCaseId}`}>{t('relatedCase')}</a></p>}
      <CaseSummary record={detail.case} />
      {isDesk(user.get()) && (detail.case.status === 'closed' || detail.case.status === 'dismissed') && (
        <div class="actions" data-reopen>
          <button type="button" onClick={() => setReopening(true)}>{t('reopenCase')}</button>
        </div>
      )}
      {reopening && (
        <ReopenDialog caseId={detail.case.id} caseNumber={detail.case.number} onClose={() => setReopening(false)}
          onReopened={(next) => {
            // open again: the page follows it once more
            seen.current = 'open';
            setReopening(false);
            setDetail(next);
          }} />
      )}
      <OpenTasks detail={detail} />
      <section aria-labelledby="diagram-h">
        <h2 id="diagram-h">{t('diagram')} {detail.case.currentStep && <span class="tag current">{t('currentStep')}: {names.get(detail.case.currentStep) ?? detail.case.currentStep}</span>}</h2>
        {narrow && !showDiagram ? (
          <>
            <ol class="steps" data-steps>
              {detail.rounds.flatMap((r) => r.tasks.map((task) => ({ ...task, round: r.round }))).map((task) => (
                <li key={task.id} data-state={task.state} data-step={task.elementId}>
                  <span class="mark" aria-hidden="true">{task.state === 'completed' ? '✓' : task.state === 'created' ? '●' : '–'}</span>
                  <span>{task.name ?? task.elementId}</span>
                  <span class="muted small">{task.state === 'created' ? t('currentStep') : task.completedAt ? formatTime(task.completedAt) : ''}{task.round > 0 ? ` · ${t('round')} ${task.round}` : ''}</span>
                </li>
              ))}
            </ol>
            <button type="button" onClick={() => setShowDiagram(true)}>{t('showDiagram')}</button>
          </>
        ) : <div class="diagram" ref={diagram} role="img" aria-label={t('diagram')} />}
      </section>
      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">{t('timeline')}</h2>
        <ol class="timeline">
          {detail.timeline.map((e) => (
            <li key={e.id} data-type={e.type} data-element={e.elementId ?? ''}>
              <time dateTime={e.at}>{formatTime(e.at)}</time>
              <span class="what">{eventKeys[e.type] ? t(eventKeys[e.type]) : e.type}{e.elementId ? ` · ${names.get(e.elementId) ?? e.elementId}` : ''}</span>
              {e.actor && <span class="muted" data-actor={e.actor}>{t('by')}: {actorName(e.actor, detail.names ?? noNames)}</span>}
              {e.round > 0 && <span class="muted">{t('round')} {e.round}</span>}
              {e.type === 'task.completed' && <FormData data={e.data} labels={labels} names={detail.names ?? noNames} />}
              {(e.type === 'task.unclaimed' || e.type === 'task.reassigned') && <HandOverNote data={e.data} names={detail.names ?? noNames} />}
              {e.type === 'case.reopened' && <ReopenNote data={e.data} />}
            </li>
          ))}
        </ol>
      </section>
      {photos.length > 0 && (
        <section aria-labelledby="photos-h">
          <h2 id="photos-h">{t('photos')}</h2>
          <PhotoThumbs photos={photos} />
        </section>
      )}
      {received.length > 0 && (
        <section aria-labelledby="sms-in-h">
          <h2 id="sms-in-h">{t('smsReceived')}</h2>
          <ul class="plain" data-list="received">{received.map((m) => <li key={m.id}><span class="muted">{m.sender} · {formatTime(m.receivedAt)}</span> <span class="sms-text">{m.text}</span></li>)}</ul>
        </section>
      )}
      {sms.length > 0 && (
        <section aria-labelledby="sms-h">
          <h2 id="sms-h">{t('smsOfCase')}</h2>
          <ul class="plain">{sms.map((m) => <li key={m.id}><span class="muted">{m.to}</span> <span class="sms-text">{m.text}</span></li>)}</ul>
        </section>
      )}
    </article>
  );
}

/** Who acted: a person's name, or 系统 for the platform's own workers (`worker:photo-verify`). */
function actorName(actor: string, names: CaseNames): string {
  return actor.startsWith('worker:') ? t('systemActor') : names.people[actor] ?? actor;
}

/** A give-back or a 转派 in words: to whom (or back to which group), from whom, and why. */
function HandOverNote({ data, names }: { data: unknown; names: CaseNames }) {
  const d = (data && typeof data === 'object' ? data : {}) as { assignee?: unknown; previousAssignee?: unknown; reason?: unknown; returnedTo?: unknown };
  const person = (v: string) => names.people[v] ?? v;
  const group = (g: string) => (g === 'dispatcher' ? t('groupDispatcher') : g.startsWith('unit-lead:') ? `${names.units[g.slice(10)] ?? g.slice(10)}${t('groupUnitLead')}` : g);
  const parts: [string, string, string][] = [];
  if (typeof d.assignee === 'string') parts.push(['assignee', t('reassignTo'), person(d.assignee)]);
  if (typeof d.previousAssignee === 'string') parts.push(['previousAssignee', t('previousAssignee'), person(d.previousAssignee)]);
  if (Array.isArray(d.returnedTo)) parts.push(['returnedTo', t('returnedTo'), d.returnedTo.filter((g): g is string => typeof g === 'string').map(group).join('、')]);
  if (typeof d.reason === 'string') parts.push(['reason', t('reason'), d.reason]);
  return (
    <span class="data">
      {parts.map(([k, label, value], i) => <span key={k} data-field={k}>{i > 0 ? ' · ' : ''}{label}: {value}</span>)}
    </span>
  );
}

/** Why the case was reopened (the dispatcher's words). */
function ReopenNote({ data }: { data: unknown }) {
  const reason = (data && typeof data === 'object' ? (data as { reason?: unknown }).reason : null);
  if (typeof reason !== 'string') return null;
  return <span class="data"><span data-field="reason">{t('reason')}: {reason}</span></span>;
}

/** The case's open task(s), one tap from the case (a new case's first task, 派发核实, for the desk). */
function OpenTasks({ detail }: { detail: CaseDetail }) {
  const me = user.get();
  const open = detail.rounds.flatMap((r) => r.tasks).filter((task) => task.state === 'created' && (isDesk(me) || task.assignee === me?.username));
  if (!open.length) return null;
  return (
    <div class="actions" data-open-tasks>
      {open.map((task) => <a key={task.id} class="button primary" href={`/tasks/${task.id}`}>{t('goToTask')}：{task.name ?? task.elementId}</a>)}
    </div>
  );
}
