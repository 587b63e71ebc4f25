/**
 * Admin page 用户: the accounts with role, unit, device and state; create an account, reset a
 * password (the temporary password is shown once), change the role and unit, disable or
 * enable, unbind the device and unlock — each behind an in-page dialog that says what happens
 * (sessions end at once), with the server's refusals beside their fields. The server audits
 * every change.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, get, post } from '../../api.js';
import { formatTime, roleLabel, t } from '../../i18n.js';
import { Dialog } from '../../ui/dialog.js';
import { fieldErrors } from '../../ui/field-errors.js';
import { ErrorNote, useList, type UnitRow } from './shared.js';

interface Account {
  username: string; displayName: string; mobile: string; role: Role; unitId: string | null; disabled: boolean; locked: boolean; lockedUntil: string | null;
  boundDeviceId: string | null; mustChangePassword: boolean; passwordExpiresAt: string | null;
}
type Role = 'dispatcher' | 'inspector' | 'unit-lead' | 'officer' | 'admin';
const roles: Role[] = ['dispatcher', 'inspector', 'unit-lead', 'officer', 'admin'];
const needsUnit = (role: string) => role === 'unit-lead' || role === 'officer';

type Confirmable = 'disable' | 'enable' | 'unbind' | 'unlock';
type Open =
  | { kind: 'create' }
  | { kind: 'reset' | 'role' | Confirmable; user: Account }
  | { kind: 'password'; user: Account; password: string; created: boolean };

export function UsersPage() {
  const [users, setUsers] = useState<Account[] | null>(null);
  const [total, setTotal] = useState(0);
  const [q, setQ] = useState('');
  const [roleFilter, setRoleFilter] = useState('');
  const [open, setOpen] = useState<Open | null>(null);
  const [error, setError] = useState<unknown>(null);
  const units = useList<UnitRow>('/units');
  const unitName = (id: string | null) => (id ? units.items.find((u) => u.id === id)?.name ?? id : '');

  const load = async () => {
    const query = new URLSearchParams({ limit: '200' });
    if (q.trim()) query.set('q', q.trim());
    if (roleFilter) query.set('role', roleFilter);
    try {
      const page = await get<{ total: number; users: Account[] }>(`/users?${query}`);
      setUsers(page.users);
      setTotal(page.total);
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => void load(), [roleFilter]);
  const done = async (next: Open | null = null) => {
    setOpen(next);
    await load();
  };

  return (
    <section class="admin-page">
      <h1>{t('users')}</h1>
      <form class="inline" role="search" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <label>{t('search')}<input name="q" type="search" maxLength={64} value={q} placeholder={t('searchUsers')} onInput={(e) => setQ(e.currentTarget.value)} /></label>
        <label>{t('role')}<select name="role" value={roleFilter} onChange={(e) => setRoleFilter(e.currentTarget.value)}>
          <option value="">{t('all')}</option>
          {roles.map((r) => <option key={r} value={r}>{roleLabel(r)}</option>)}
        </select></label>
        <button type="submit">{t('search')}</button>
        <button type="button" class="primary" onClick={() => setOpen({ kind: 'create' })}>{t('newUser')}</button>
      </form>
      <ErrorNote error={error} />
      {!users && !error && <p aria-busy="true">{t('loading')}</p>}
      {users && (
        <div class="scroll">
          <table class="list" data-list="users">
            <caption>{t('total')} {total} {t('items')}</caption>
            <thead><tr><th scope="col">{t('username')}</th><th scope="col">{t('displayName')}</th><th scope="col">{t('mobile')}</th><th scope="col">{t('role')}</th><th scope="col">{t('unitOf')}</th><th scope="col">{t('device')}</th><th scope="col">{t('status')}</th><th scope="col">{t('actions')}</th></tr></thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.username} data-user={u.username}>
                  <td>{u.username}</td><td>{u.displayName}</td><td>{u.mobile}</td><td data-role={u.role}>{roleLabel(u.role)}</td><td title={u.unitId ?? ''} data-field="unit">{unitName(u.unitId)}</td>
                  <td>{u.boundDeviceId ?? '—'}</td>
                  <td data-field="status">
                    {u.disabled && <span class="tag warn">{t('disabled')}</span>} {u.locked && <span class="tag warn">{t('locked')} {formatTime(u.lockedUntil)}</span>} {u.mustChangePassword && <span class="tag">{t('mustChangeUser')}</span>}
                  </td>
                  <td class="row-actions">
                    <button type="button" class="link" onClick={() => setOpen({ kind: 'reset', user: u })}>{t('resetPassword')}</button>
                    <button type="button" class="link" onClick={() => setOpen({ kind: 'role', user: u })}>{t('changeRole')}</button>
                    {u.disabled
                      ? <button type="button" class="link" onClick={() => setOpen({ kind: 'enable', user: u })}>{t('enableUser')}</button>
                      : <button type="button" class="link" onClick={() => setOpen({ kind: 'disable', user: u })}>{t('disableUser')}</button>}
                    {u.boundDeviceId && <button type="button" class="link" onClick={() => setOpen({ kind: 'unbind', user: u })}>{t('unbindDevice')}</button>}
                    {u.locked && <button type="button" class="link" onClick={() => setOpen({ kind: 'unlock', user: u })}>{t('unlock')}</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open?.kind === 'create' && <CreateDialog units={units.items} onClose={() => setOpen(null)} onCreated={(user, password) => void done({ kind: 'password', user, password, created: true })} />}
      {open?.kind === 'reset' && <ResetDialog user={open.user} onClose={() => setOpen(null)} onReset={(password) => void done({ kind: 'password', user: open.user, password, created: false })} />}
      {open?.kind === 'role' && <RoleDialog user={open.user} units={units.items} onClose={() => setOpen(null)} onSaved={() => void done()} />}
      {open && (open.kind === 'disable' || open.kind === 'enable' || open.kind === 'unbind' || open.kind === 'unlock') && (
        <ConfirmDialog kind={open.kind} user={open.user} onClose={() => setOpen(null)} onDone={() => void done()} />
      )}
      {open?.kind === 'password' && (
        <Dialog name="temporary-password" title={`${open.user.displayName}（${open.user.username}）${t('passwordFor')}`} onClose={() => setOpen(null)}>
          {open.created && <p role="status">{t('userCreated')}</p>}
          <p class="secret" data-temporary-password>{open.password}</p>
          <p class="hint">{t('passwordShownOnce')}</p>
        </Dialog>
      )}
    </section>
  );
}

/** A labelled input or select with the server's message for it beneath. */
function Field(props: { label: string; name: string; error?: string; children: (attrs: Record<string, unknown>) => JSX.Element }) {
  const id = `f-${props.name}`;
  // the label names the field alone (not wrapping a select's options or the message)
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children({ name: props.name, id, 'aria-invalid': props.error ? true : undefined, 'aria-describedby': props.error ? `${id}-error` : undefined })}
      {props.error && <span class="field-error" id={`${id}-error`} data-error-for={props.name}>{props.error}</span>}
    </div>
  );
}

/** The summary of a refusal when no field carries it (a conflict, a network failure). */
function Unplaced({ error, placed }: { error: unknown; placed: string[] }) {
  if (!error) return null;
  const errors = fieldErrors(error);
  if (placed.some((f) => errors[f])) return null;
  return <p class="error" role="alert">{error instanceof ApiError ? error.message : String(error)}</p>;
}

function UnitSelect({ units, value, onChange, error }: { units: UnitRow[]; value: string; onChange(v: string): void; error?: string }) {
  return (
    <Field label={t('unitOf')} name="unitId" error={error}>
      {(attrs) => (
        <select {...attrs} required value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">{t('chooseUnit')}</option>
          {units.filter((u) => u.active || u.id === value).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
      )}
    </Field>
  );
}

function PasswordChoice({ typed, setTyped, error }: { typed: string | null; setTyped(v: string | null): void; error?: string }) {
  return (
    <fieldset>
      <legend>{t('temporaryPassword')}</legend>
      <label class="check"><input type="radio" name="passwordMode" checked={typed === null} onChange={() => setTyped(null)} />{t('generatePassword')}</label>
      <label class="check"><input type="radio" name="passwordMode" checked={typed !== null} onChange={() => setTyped('')} />{t('typePassword')}</label>
      {typed !== null && (
        <Field label={t('temporaryPassword')} name="password" error={error}>
          {(attrs) => <input {...attrs} type="text" autoComplete="off" required maxLength={256} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />}
        </Field>
      )}
      {typed === null && error && <span class="field-error" data-error-for="password">{error}</span>}
    </fieldset>
  );
}

function CreateDialog({ units, onClose, onCreated }: { units: UnitRow[]; onClose(): void; onCreated(user: Account, password: string): void }) {
  const [draft, setDraft] = useState({ username: '', displayName: '', mobile: '', role: 'officer' as Role, unitId: '' });
  const [typed, setTyped] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(error);
  const set = (key: keyof typeof draft) => (e: Event) => setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value });

  async function create() {
    setBusy(true);
    try {
      const body = { username: draft.username.trim(), displayName: draft.displayName.trim(), mobile: draft.mobile.trim(), role: draft.role, unitId: needsUnit(draft.role) ? draft.unitId || null : null, ...(typed !== null ? { password: typed } : {}) };
      const answer = await post<{ user: Account; temporaryPassword?: string }>('/users', body);
      onCreated(answer.user, answer.temporaryPassword ?? typed ?? '');
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <Dialog name="create-user" title={t('newUser')} confirm={t('save')} busy={busy} onConfirm={() => void create()} onClose={onClose}>
      <Field label={t('username')} name="username" error={errors.username}>{(a) => <input {...a} required maxLength={64} autoComplete="off" value={draft.username} onInput={set('username')} />}</Field>
      <Field label={t('displayName')} name="displayName" error={errors.displayName}>{(a) => <input {...a} required maxLength={64} value={draft.displayName} onInput={set('displayName')} />}</Field>
      <Field label={t('mobile')} name="mobile" error={errors.mobile}>{(a) => <input {...a} type="tel" required maxLength={20} value={draft.mobile} onInput={set('mobile')} />}</Field>
      <Field label={t('role')} name="role" error={errors.role}>
        {(a) => <select {...a} value={draft.role} onChange={set('role')}>{roles.map((r) => <option key={r} value={r}>{roleLabel(r)}</option>)}</select>}
      </Field>
      {needsUnit(draft.role) && <UnitSelect units={units} value={draft.unitId} onChange={(unitId) => setDraft({ ...draft, unitId })} error={errors.unitId} />}
      <PasswordChoice typed={typed} setTyped={setTyped} error={errors.password} />
      <Unplaced error={error} placed={['username', 'displayName', 'mobile', 'role', 'unitId', 'password']} />
    </Dialog>
  );
}

function ResetDialog({ user, onClose, onReset }: { user: Account; onClose(): void; onReset(password: string): void }) {
  const [typed, setTyped] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function reset() {
    setBusy(true);
    try {
      const answer = await post<{ temporaryPassword?: string }>(`/users/${encodeURIComponent(user.username)}/password-reset`, typed !== null ? { password: typed } : {});
      onReset(answer.temporaryPassword ?? typed ?? '');
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }
  return (
    <Dialog name="reset-password" title={t('resetPassword')} confirm={t('resetPassword')} danger busy={busy} onConfirm={() => void reset()} onClose={onClose}>
      <p>{t('confirmReset', { name: `${user.displayName}（${user.username}）` })}</p>
      <PasswordChoice typed={typed} setTyped={setTyped} error={fieldErrors(error).password} />
      <Unplaced error={error} placed={['password']} />
    </Dialog>
  );
}

function RoleDialog({ user, units, onClose, onSaved }: { user: Account; units: UnitRow[]; onClose(): void; onSaved(): void }) {
  const [role, setRole] = useState<Role>(user.role);
  const [unitId, setUnitId] = useState(user.unitId ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(error);
  async function save() {
    setBusy(true);
    try {
      await api('PUT', `/users/${encodeURIComponent(user.username)}/role`, { role, unitId: needsUnit(role) ? unitId || null : null });
      onSaved();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }
  return (
    <Dialog name="change-role" title={`${t('changeRole')}：${user.displayName}（${user.username}）`} confirm={t('save')} busy={busy} onConfirm={() => void save()} onClose={onClose}>
      <p class="hint">{t('confirmRole', { name: user.displayName })}</p>
      <Field label={t('role')} name="role" error={errors.role}>
        {(a) => <select {...a} value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>{roles.map((r) => <option key={r} value={r}>{roleLabel(r)}</option>)}</select>}
      </Field>
      {needsUnit(role) ? <UnitSelect units={units} value={unitId} onChange={setUnitId} error={errors.unitId} /> : null}
      <Unplaced error={error} placed={['role', 'unitId']} />
    </Dialog>
  );
}

const confirmations: Record<Confirmable, { title: 'disableUser' | 'enableUser' | 'unbindDevice' | 'unlock'; text: 'confirmDisable' | 'confirmEnable' | 'confirmUnbind' | 'confirmUnlock'; danger: boolean }> = {
  disable: { title: 'disableUser', text: 'confirmDisable', danger: true },
  enable: { title: 'enableUser', text: 'confirmEnable', danger: false },
  unbind: { title: 'unbindDevice', text: 'confirmUnbind', danger: true },
  unlock: { title: 'unlock', text: 'confirmUnlock', danger: false },
};

function ConfirmDialog({ kind, user, onClose, onDone }: { kind: Confirmable; user: Account; onClose(): void; onDone(): void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const words = confirmations[kind];
  async function act() {
    setBusy(true);
    const path = `/users/${encodeURIComponent(user.username)}`;
    try {
      if (kind === 'unbind') await api('DELETE', `${path}/device`);
      else await post(`${path}/${kind}`);
      onDone();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }
  return (
    <Dialog name={`confirm-${kind}`} title={`${t(words.title)}：${user.displayName}（${user.username}）`} confirm={t(words.title)} danger={words.danger} busy={busy} onConfirm={() => void act()} onClose={onClose}>
      <p>{t(words.text, { name: user.displayName })}</p>
      <ErrorNote error={error} />
    </Dialog>
  );
}
