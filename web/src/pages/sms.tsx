/**
 * 投诉短信: the inbox (text always shown as text), 一键立案 from a message, link to an existing
 * case by its number, and 撰写新短信 to a reporter.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, post, type CaseRecord } from '../api.js';
import { formatTime, t } from '../i18n.js';
import { navigate } from '../router.js';
import { categoryName, useCategories } from '../ui/categories.js';

interface Inbox { id: number; sender: string; text: string; receivedAt: string; partsCount: number; handled: boolean; caseId: string | null }

export function SmsPage() {
  const [handled, setHandled] = useState('false');
  const [inbox, setInbox] = useState<{ items: Inbox[]; total: number } | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const [note, setNote] = useState('');
  const categories = useCategories();

  async function load() {
    setInbox(await get(`/sms/inbox?limit=50${handled ? `&handled=${handled}` : ''}`));
  }
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, [handled]);

  async function openCase(event: Event, message: Inbox) {
    event.preventDefault();
    const f = new FormData(event.target as HTMLFormElement);
    const created = await post<{ case: CaseRecord }>(`/sms/inbox/${message.id}/case`, {
      category: String(f.get('category')), address: String(f.get('address')).trim(), description: String(f.get('description')).trim() || undefined,
    });
    navigate(`/cases/${created.case.id}`);
  }

  async function link(message: Inbox) {
    const number = prompt(t('caseNumber'));
    if (!number) return;
    const found = await get<{ items: CaseRecord[] }>(`/cases?number=${encodeURIComponent(number.trim())}`);
    if (!found.items[0]) return setNote(`${t('empty')}: ${number}`);
    await post(`/sms/inbox/${message.id}/link`, { caseId: found.items[0].id });
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
                    <button type="button" onClick={() => void link(m)}>{t('linkCase')}</button>
                  </>
                )}
              </div>
              {openId === m.id && (
                <form class="inline-form" onSubmit={(e) => void openCase(e, m)}>
                  <label>{t('category')}<select name="category">{categories.map((c) => <option value={c.code}>{categoryName(categories, c.code)}</option>)}</select></label>
                  <label>{t('address')}<input name="address" required maxLength={255} /></label>
                  <label>{t('description')}<textarea name="description" rows={3} defaultValue={m.text} /></label>
                  <button class="primary" type="submit">{t('create')}</button>
                </form>
              )}
            </li>
          ))}
        </ul>
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
