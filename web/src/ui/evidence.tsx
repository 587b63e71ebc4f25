/**
 * 前序办理 — the evidence a person decides on, on the task page: every earlier step of the case,
 * newest first, with who did it, what they wrote and the photos they took with the checks' 存疑
 * flags. So 派遣 sees the inspector's photos, 单位审核 the officer's, 执法处置 what the inspector found.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, type CaseDetail, type Photo } from '../api.js';
import { formatTime, t } from '../i18n.js';
import { FormData, noNames, PhotoThumbs, useFieldLabels } from './case-record.js';

const wide = () => globalThis.matchMedia?.('(min-width: 720px)').matches ?? true;

export function Evidence({ caseId, taskId }: { caseId: string; taskId: string }) {
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [photos, setPhotos] = useState<Photo[]>([]);
  const labels = useFieldLabels();
  useEffect(() => {
    let live = true;
    get<CaseDetail>(`/cases/${caseId}`).then((d) => live && setDetail(d), () => undefined);
    get<Photo[]>(`/cases/${caseId}/photos`).then((p) => live && setPhotos(p), () => undefined);
    return () => {
      live = false;
    };
  }, [caseId, taskId]);
  if (!detail) return null;
  const names = detail.names ?? noNames;
  const steps = detail.rounds.flatMap((r) => r.tasks.map((task) => ({ ...task, round: r.round })))
    .filter((task) => task.state === 'completed' && task.id !== taskId)
    .sort((a, b) => String(b.completedAt).localeCompare(String(a.completedAt)));
  if (!steps.length) return null;
  const flagged = photos.filter((p) => p.checks?.some((c) => !c.passed)).length;
  return (
    // folded on a phone, so the form stays within the first screen
    <details class="card evidence" open={wide()} data-evidence>
      <summary>{t('evidence')}{flagged > 0 && <span class="tag warn" data-flagged-count={flagged}>{t('flagged')} {flagged}</span>}</summary>
      <ol class="plain">
        {steps.map((step) => {
          const own = photos.filter((p) => p.taskId === step.id);
          return (
            <li key={step.id} data-step={step.elementId}>
              <strong>{step.name ?? step.elementId}</strong>
              <span class="muted"> · {step.completedBy ? names.people[step.completedBy] ?? step.completedBy : ''} · {step.completedAt ? formatTime(step.completedAt) : ''}{step.round > 0 ? ` · ${t('round')} ${step.round}` : ''}</span>
              <div><FormData data={step.formData} labels={labels} names={names} /></div>
              {own.length > 0 && <PhotoThumbs photos={own} />}
            </li>
          );
        })}
      </ol>
    </details>
  );
}
