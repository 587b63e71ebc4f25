/**
 * Admin page: the responsible units (责任单位) — create and edit a unit; for the selected unit
 * its officers (regular duty days), its leads, and the duty roster of the next 14 days (a tap
 * on a day overrides the regular duty for that date).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, get, post } from '../../api.js';
import { currentLang, t } from '../../i18n.js';
import { ErrorNote, useList, type UnitRow } from './shared.js';

interface Officer { username: string; displayName: string; unitId: string; phone: string | null; dutyWeekdays: number[]; active: boolean }
interface Lead { username: string; unitId: string }
interface RosterEntry { username: string; dutyDate: string; shift: string; onDuty: boolean }

const emptyUnit: UnitRow = { id: '', name: '', kind: 'street', phone: null, active: true };
const weekdays = [1, 2, 3, 4, 5, 6, 7];

/** Asia/Shanghai dates from today on, `YYYY-MM-DD`. */
function nextDates(days: number): string[] {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
  return Array.from({ length: days }, (_, i) => format.format(new Date(Date.now() + i * 86_400_000)));
}

function weekdayOf(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

function weekdayName(day: number): string {
  // 2024-01-01 was a Monday
  return new Date(Date.UTC(2024, 0, day)).toLocaleDateString(currentLang() === 'en' ? 'en-GB' : 'zh-CN', { weekday: 'short', timeZone: 'UTC' });
}

export function UnitsPage() {
  const units = useList<UnitRow>('/units');
  const [editing, setEditing] = useState<UnitRow | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function saveUnit(event: Event) {
    event.preventDefault();
    if (!editing) return;
    try {
      await post('/units', { ...editing, phone: editing.phone || null });
      setEditing(null);
      setError(null);
      await units.reload();
      setSelected(editing.id);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section class="admin-page">
      <h1>{t('units')}</h1>
      <div class="actions"><button type="button" class="primary" onClick={() => setEditing({ ...emptyUnit })}>{t('newUnit')}</button></div>
      {editing && (
        <form class="card admin-form" onSubmit={saveUnit} data-form="unit">
          <label>{t('unitId')}<input name="id" required pattern="[A-Z][A-Z0-9]*(-[A-Z0-9]+)*" maxLength={32} value={editing.id} readOnly={units.items.some((u) => u.id === editing.id)}
            onInput={(e) => setEditing({ ...editing, id: e.currentTarget.value.toUpperCase() })} placeholder="U-JD-03" /></label>
          <label>{t('name')}<input name="name" required maxLength={128} value={editing.name} onInput={(e) => setEditing({ ...editing, name: e.currentTarget.value })} /></label>
          <label>{t('kind')}<select name="kind" value={editing.kind} onChange={(e) => setEditing({ ...editing, kind: e.currentTarget.value })}>
            <option value="street">{t('kindStreet')}</option><option value="specialist">{t('kindSpecialist')}</option>
          </select></label>
          <label>{t('phone')}<input name="phone" type="tel" maxLength={32} value={editing.phone ?? ''} onInput={(e) => setEditing({ ...editing, phone: e.currentTarget.value })} /></label>
          <label class="check"><input type="checkbox" name="active" checked={editing.active} onChange={(e) => setEditing({ ...editing, active: e.currentTarget.checked })} />{t('active')}</label>
          <ErrorNote error={error} />
          <div class="actions"><button type="submit" class="primary">{t('save')}</button><button type="button" onClick={() => setEditing(null)}>{t('cancel')}</button></div>
        </form>
      )}
      <div class="scroll">
        <table class="list" data-list="units">
          <thead><tr><th scope="col">{t('unitId')}</th><th scope="col">{t('name')}</th><th scope="col">{t('kind')}</th><th scope="col">{t('phone')}</th><th scope="col">{t('status')}</th><th scope="col" /></tr></thead>
          <tbody>
            {units.items.map((u) => (
              <tr key={u.id} data-unit={u.id} aria-selected={selected === u.id}>
                <td>{u.id}</td><td>{u.name}</td><td>{u.kind === 'street' ? t('kindStreet') : u.kind === 'specialist' ? t('kindSpecialist') : u.kind}</td><td>{u.phone ?? ''}</td>
                <td>{u.active ? t('active') : <span class="tag warn">{t('disabled')}</span>}</td>
                <td class="row-actions">
                  <button type="button" class="link" onClick={() => setEditing({ ...u })}>{t('edit')}</button>
                  <button type="button" class="link" onClick={() => setSelected(u.id)}>{t('officers')} · {t('roster')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {selected ? <UnitDetail key={selected} unit={units.items.find((u) => u.id === selected) ?? { ...emptyUnit, id: selected }} /> : <p class="hint">{t('selectUnit')}</p>}
    </section>
  );
}

function UnitDetail({ unit }: { unit: UnitRow }) {
  const [officers, setOfficers] = useState<Officer[]>([]);
  const [leads, setLeads] = useState<Lead[]>([]);
  const [roster, setRoster] = useState<RosterEntry[]>([]);
  const [officer, setOfficer] = useState<Officer | null>(null);
  const [lead, setLead] = useState('');
  /** The unit lead accounts, for the leads' names and the add form's choices. */
  const [leadAccounts, setLeadAccounts] = useState<{ username: string; displayName: string; unitId: string | null }[]>([]);
  const nameOf = (username: string) => leadAccounts.find((a) => a.username === username)?.displayName ?? username;
  const [error, setError] = useState<unknown>(null);
  const dates = nextDates(14);

  async function load() {
    const [o, l, r, accounts] = await Promise.all([
      get<Officer[]>(`/officers?unitId=${encodeURIComponent(unit.id)}`),
      get<Lead[]>(`/unit-leads?unitId=${encodeURIComponent(unit.id)}`),
      get<RosterEntry[]>(`/rosters?from=${dates[0]}&to=${dates[dates.length - 1]}&unitId=${encodeURIComponent(unit.id)}`),
      get<{ users: { username: string; displayName: string; unitId: string | null }[] }>('/users?role=unit-lead&limit=200'),
    ]);
    setLeadAccounts(accounts.users);
    setOfficers(o);
    setLeads(l);
    setRoster(r);
  }
  useEffect(() => void load().catch(setError), [unit.id]);

  const act = (work: () => Promise<unknown>) => async (event?: Event) => {
    event?.preventDefault();
    try {
      await work();
      setError(null);
      await load();
    } catch (e) {
      setError(e);
    }
  };

  const saveOfficer = act(async () => {
    if (!officer) return;
    await post('/officers', { username: officer.username, displayName: officer.displayName, unitId: unit.id, phone: officer.phone || null, dutyWeekdays: officer.dutyWeekdays, active: officer.active });
    setOfficer(null);
  });
  const addLead = act(async () => {
    await post('/unit-leads', { username: lead.trim(), unitId: unit.id });
    setLead('');
  });

  function onDuty(o: Officer, date: string): boolean {
    const entries = roster.filter((r) => r.username === o.username && r.dutyDate === date);
    return entries.length ? entries.some((r) => r.onDuty) : o.dutyWeekdays.includes(weekdayOf(date));
  }

  return (
    <section class="card unit-detail" aria-labelledby="unit-h" data-unit-detail={unit.id}>
      <h2 id="unit-h">{unit.id} {unit.name}</h2>
      <ErrorNote error={error} />
      <h3>{t('unitLeads')}</h3>
      <ul class="plain" data-list="leads">
        {leads.map((l) => (
          <li key={l.username} data-lead={l.username}>{nameOf(l.username)} <span class="muted small">{l.username}</span> <button type="button" class="link" onClick={act(() => api('DELETE', `/unit-leads/${encodeURIComponent(unit.id)}/${encodeURIComponent(l.username)}`))}>{t('remove')}</button></li>
        ))}
      </ul>
      <form class="inline" onSubmit={addLead}>
        <label>{t('username')}<input name="lead" required maxLength={128} list="lead-accounts" value={lead} onInput={(e) => setLead(e.currentTarget.value)} /></label>
        <datalist id="lead-accounts">
          {leadAccounts.filter((a) => !leads.some((l) => l.username === a.username)).map((a) => <option key={a.username} value={a.username}>{a.displayName}</option>)}
        </datalist>
        <button type="submit">{t('add')}</button>
      </form>

      <h3>{t('officers')}</h3>
      <div class="actions"><button type="button" onClick={() => setOfficer({ username: '', displayName: '', unitId: unit.id, phone: null, dutyWeekdays: [1, 2, 3, 4, 5], active: true })}>{t('add')}</button></div>
      {officer && (
        <form class="admin-form" onSubmit={saveOfficer} data-form="officer">
          <label>{t('username')}<input name="username" required maxLength={128} value={officer.username} readOnly={officers.some((o) => o.username === officer.username)} onInput={(e) => setOfficer({ ...officer, username: e.currentTarget.value })} /></label>
          <label>{t('displayName')}<input name="displayName" required maxLength={128} value={officer.displayName} onInput={(e) => setOfficer({ ...officer, displayName: e.currentTarget.value })} /></label>
          <label>{t('phone')}<input name="phone" type="tel" maxLength={32} value={officer.phone ?? ''} onInput={(e) => setOfficer({ ...officer, phone: e.currentTarget.value })} /></label>
          <fieldset><legend>{t('dutyDays')}</legend>
            {weekdays.map((d) => (
              <label key={d} class="check"><input type="checkbox" checked={officer.dutyWeekdays.includes(d)}
                onChange={(e) => setOfficer({ ...officer, dutyWeekdays: e.currentTarget.checked ? [...officer.dutyWeekdays, d].sort() : officer.dutyWeekdays.filter((x) => x !== d) })} />{weekdayName(d)}</label>
            ))}
          </fieldset>
          <label class="check"><input type="checkbox" checked={officer.active} onChange={(e) => setOfficer({ ...officer, active: e.currentTarget.checked })} />{t('active')}</label>
          <div class="actions"><button type="submit" class="primary">{t('save')}</button><button type="button" onClick={() => setOfficer(null)}>{t('cancel')}</button></div>
        </form>
      )}
      <h3 id="roster-h">{t('roster')}</h3>
      <div class="scroll">
        <table class="list roster" aria-labelledby="roster-h" data-list="roster">
          <thead>
            <tr><th scope="col">{t('displayName')}</th>{dates.map((d) => <th key={d} scope="col"><span class="small">{d.slice(5)}</span><br />{weekdayName(weekdayOf(d))}</th>)}<th scope="col" /></tr>
          </thead>
          <tbody>
            {officers.map((o) => (
              <tr key={o.username} data-officer={o.username}>
                <th scope="row">{o.displayName} <span class="muted small">{o.username}</span>{!o.active && <span class="tag warn">{t('disabled')}</span>}</th>
                {dates.map((d) => {
                  const on = onDuty(o, d);
                  return (
                    <td key={d}>
                      <button type="button" class={`duty ${on ? 'on' : 'off'}`} aria-pressed={on} data-date={d} title={`${o.displayName} ${d}`}
                        onClick={act(() => post('/rosters', { entries: [{ username: o.username, date: d, shift: 'full', onDuty: !on }] }))}>
                        {on ? t('onDuty') : t('offDuty')}
                      </button>
                    </td>
                  );
                })}
                <td><button type="button" class="link" onClick={() => setOfficer({ ...o })}>{t('edit')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
