/**
 * What waits for the signed-in person, in the shell: the size of 待办 in the page title and on
 * its link, a notice when new tasks arrive while the page is open, and for the desk the unread
 * complaint SMS on 投诉短信's link. Polled while the page is on screen.
 */
import { useRef, useState } from 'preact/hooks';
import { get } from '../api.js';
import { t } from '../i18n.js';
import { usePolling } from './poll.js';

export interface Attention { todo: number | null; unread: number | null; arrived: number }

export function useAttention(desk: boolean, intervalMs = 15_000): Attention & { dismiss(): void } {
  const [state, setState] = useState<Attention>({ todo: null, unread: null, arrived: 0 });
  const last = useRef<number | null>(null);
  usePolling(async (isStopped) => {
    try {
      const [tasks, inbox] = await Promise.all([
        get<{ counts: { todo: number } }>('/tasks?view=todo&limit=1&counts=true'),
        desk ? get<{ total: number }>('/sms/inbox?handled=false&limit=1') : Promise.resolve(null),
      ]);
      if (isStopped()) return;
      const todo = tasks.counts.todo;
      const grew = last.current !== null && todo > last.current ? todo - last.current : 0;
      last.current = todo;
      setState((s) => ({ todo, unread: inbox ? inbox.total : null, arrived: s.arrived + grew }));
      document.title = todo > 0 ? `(${todo}) ${t('appName')}` : t('appName');
    } catch {
      // the lists show their own errors; the shell keeps the last counts
    }
  }, intervalMs, [desk]);
  return { ...state, dismiss: () => setState((s) => ({ ...s, arrived: 0 })) };
}

export function CountBadge({ n, kind }: { n: number | null; kind: string }) {
  if (!n) return null;
  return <span class="count" data-badge={kind} aria-label={`${n}`}>{n > 999 ? '999+' : n}</span>;
}

export function ArrivalNotice({ attention }: { attention: Attention & { dismiss(): void } }) {
  if (!attention.arrived) return null;
  return (
    <p class="notice" role="status" data-arrived={attention.arrived}>
      {t('newTasks')}（{attention.arrived}）<a href="/" onClick={attention.dismiss}>{t('tabTodo')}</a>
      <button type="button" class="link" onClick={attention.dismiss}>{t('cancel')}</button>
    </p>
  );
}
