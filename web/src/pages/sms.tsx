/**
 * 投诉短信: the inbox (text always shown as text), 一键立案 from a message, 关联案件 by its number
 * (a closed case offers both ways on: 重新开启 it for a new round with the message linked, or a
 * new case that refers to it), 标记已处理 for what needs no case, the messages sent, and
 * 撰写新短信 to a reporter.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post, type CaseRecord } from '../api.js';
import { formatTime, t } from '../i18n.js';
import { navigate } from '../router.js';
import { categoryName, useCategories } from '../ui/categories.js';
import { ReopenDialog } from '../ui/reopen-dialog.js';

interface Inbox { id: number; sender: string; text: string; receivedAt: string; partsCount: number; handled: boolean; caseId: string | null }
interface Sent { id: number; to: string; text: string; state: string; createdAt?: string; queuedAt?: string; caseId: string | null }

export function SmsPage() {
  const [handled, setHandled] = useState('false');
  const [inbox, setInbox] = useState<{ items: Inbox[]; total: number } | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const [linkId, setLinkId] = useState<number | null>(null);
  const [linkError, setLinkError] = useState('');
  /** A message whose case turned out closed: 一键立案 opens a case referring to that one. */
  const [related, setRelated] = useState<{ messageId: number; caseId: string; caseNumber: string } | null>(null);
  /** The closed case being reopened (新一轮) for the message `related` names. */
  const [reopening, setReopening] = useState(false);
  const [sent, setSent] = useState<Sent[]>([]);
  const [note, setNote] = useState('');
  const categories = useCategories();

  async function load() {
    setInbox(await get(`/sms/inbox?limit=50${handled ? `&handled=${handled}` : ''}`));
    setSent(await get<Sent[]>('/sms/messages?limit=20').catch(() => []));
  }
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, [handled]);

  async function openCase(event: Event, message: Inbox) {
    event.preventDefault();
    const f = new FormData(event.target as HTMLFormElement);
    const relatedCaseId = related?.messageId === message.id ? related.caseId : null;
    const created = await post<{ case: CaseRecord }>(`/sms/inbox/${message.id}/case`, {
      category: String(f.get('category')), address: String(f.get('address')).trim(), description: String(f.get('description')).trim() || undefined, relatedCaseId,
    });
    navigate(`/cases/${created.case.id}`);
  }

  async function link(event: Event, message: Inbox) {
    event.preventDefault();
    const caseNumber = String(new FormData(event.target as HTMLFormElement).get('caseNumber') ?? '').trim();
    setLinkError('');
    try {
      await post(`/sms/inbox/${message.id}/link`, { caseNumber });
      setLinkId(null);
      await load();
    } catch (e) {
      const problem = e instanceof ApiError ? (e.problem as { code?: string; caseId?: string; caseNumber?: string }) : null;
      if (problem?.code === 'sms.case_closed' && problem.caseId && problem.caseNumber) setRelated({ messageId: message.id, caseId: problem.caseId, caseNumber: problem.caseNumber });
      setLinkError((e as Error).message);
    }
  }

  async function markHandled(message: Inbox, value: boolean) {
    await post(`/sms/inbox/${message.id}/handled`, { handled: value });
    await load();
  }

  async function compose(event: Event) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const f = new FormData(form);
    await post('/sms/messages', { to: String(f.get('to')).trim(), text: String(f.get('text')) });
    form.reset();
    setNote(t('sent'));
  }

  return (
    <section class="sms-page">
      <h1>{t('smsInbox')}</h1>
      <div class="filters">
        <label>{t('status')}
          <select value={handled} onChange={(e) => setHandled((e.target as HTMLSelectElement).value)}>
            <option value="false">{t('unhandled')}</option><option value="true">{t('handled')}</option><option value="">{t('all')}</option>
          </select>
        </label>
      </div>
      {!inbox ? <p>{t('loading')}</p> : inbox.items.length === 0 ? <p class="empty">{t('empty')}</p> : (
        <ul class="cards">
          {inbox.items.map((m) => (
            <li key={m.id} class="card sms" data-sms={m.id}>
              <div class="row"><strong>{m.sender}</strong><span class="muted">{formatTime(m.receivedAt)}</span>{m.handled && <span class="tag">{t('handled')}</span>}</div>
              <p class="sms-text">{m.text}</p>
              <div class="actions">
                {m.caseId ? <a class="button" href={`/cases/${m.caseId}`}>{t('caseOf')}</a> : (
                  <>
                    <button class="primary" type="button" onClick={() => setOpenId(openId === m.id ? null : m.id)} aria-expanded={openId === m.id}>{t('openCase')}</button>
                    <button type="button" onClick={() => { setLinkError(''); setLinkId(linkId === m.id ? null : m.id); }} aria-expanded={linkId === m.id}>{t('linkCase')}</button>
                    <button type="button" onClick={() => void markHandled(m, !m.handled)}>{m.handled ? t('markUnhandled') : t('markHandled')}</button>
                  </>
                )}
              </div>
              {linkId === m.id && (
                <form class="inline-form" data-form="link" onSubmit={(e) => void link(e, m)}>
                  <label>{t('caseNumber')}<input name="caseNumber" required maxLength={32} placeholder="ZF-20261203-0001" /></label>
                  <button type="submit">{t('linkCase')}</button>
                  {linkError && <p class="error" role="alert">{linkError}</p>}
                  {related?.messageId === m.id && (
                    <div class="choices" data-closed-case-choices>
                      <p class="hint">{t('caseClosedChoice')}</p>
                      <div class="actions">
                        <button type="button" class="primary" onClick={() => setReopening(true)}>{t('reopenOriginal')} {related.caseNumber}</button>
                        <button type="button" onClick={() => { setLinkId(null); setOpenId(m.id); }}>{t('openRelatedCase')} {related.caseNumber}</button>
                      </div>
                    </div>
                  )}
                </form>
              )}
              {openId === m.id && (
                <form class="inline-form" onSubmit={(e) => void openCase(e, m)}>
                  <label>{t('category')}<select name="category" required><option value="">{t('chooseCategory')}</option>{categories.map((c) => <option value={c.code}>{categoryName(categories, c.code)}</option>)}</select></label>
                  <label>{t('address')}<input name="address" required maxLength={255} /></label>
                  <label>{t('description')}<textarea name="description" rows={3} defaultValue={m.text} /></label>
                  {related?.messageId === m.id && <p class="hint" data-related>{t('relatedCase')}：{related.caseNumber}</p>}
                  <button class="primary" type="submit">{t('create')}</button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      {reopening && related && (
        <ReopenDialog caseId={related.caseId} caseNumber={related.caseNumber} messageId={related.messageId} onClose={() => setReopening(false)}
          onReopened={() => navigate(`/cases/${related.caseId}`)} />
      )}
      {sent.length > 0 && (
        <section aria-labelledby="sent-h">
          <h2 id="sent-h">{t('sentMessages')}</h2>
          <ul class="plain sent" data-list="sent">
            {sent.map((m) => (
              <li key={m.id} data-state={m.state}>
                <span class="muted">{m.to}</span> <span class="sms-text">{m.text}</span> <span class="tag">{smsStateLabel(m.state)}</span>
                {m.caseId && <> <a href={`/cases/${m.caseId}`}>{t('caseOf')}</a></>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <form class="card narrow" onSubmit={compose} aria-labelledby="compose-h">
        <h2 id="compose-h">{t('compose')}</h2>
        <label>{t('to')}<input name="to" required inputMode="tel" pattern="\+?[0-9]{5,15}" /></label>
        <label>{t('text')}<textarea name="text" required rows={3} maxLength={500} /></label>
        <button class="primary" type="submit">{t('send')}</button>
        {note && <p role="status">{note}</p>}
      </form>
    </section>
  );
}

const smsStates: Record<string, Parameters<typeof t>[0]> = { queued: 'smsQueued', submitting: 'smsQueued', submitted: 'smsSubmitted', delivered: 'smsDelivered', failed: 'smsFailed', undeliverable: 'smsFailed' };
function smsStateLabel(state: string): string {
  return smsStates[state] ? t(smsStates[state]) : state;
}
