/** Admin page: user accounts with their device binding and lockout state (unlock). */
import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../../api.js';
import { formatTime, roleLabel, t } from '../../i18n.js';
import { useList, type UnitRow } from './shared.js';

interface Account { username: string; displayName: string; mobile: string; role: string; unitId: string | null; disabled: boolean; locked: boolean; lockedUntil: string | null; boundDeviceId: string | null; passwordExpiresAt: string | null }

export function UsersPage() {
  const [users, setUsers] = useState<Account[] | null>(null);
  const units = useList<UnitRow>('/units');
  const unitName = (id: string | null) => (id ? units.items.find((u) => u.id === id)?.name ?? id : '');
  const load = () => get<{ users: Account[] }>('/users?limit=200').then((a) => setUsers(a.users));
  useEffect(() => void load(), []);
  if (!users) return <p>{t('loading')}</p>;
  return (
    <section>
      <h1>{t('users')}</h1>
      <div class="scroll">
        <table class="list">
          <thead><tr><th scope="col">{t('username')}</th><th scope="col">{t('displayName')}</th><th scope="col">{t('role')}</th><th scope="col">{t('unitOf')}</th><th scope="col">{t('device')}</th><th scope="col">{t('status')}</th></tr></thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.username}>
                <td>{u.username}</td><td>{u.displayName}</td><td data-role={u.role}>{roleLabel(u.role)}</td><td title={u.unitId ?? ''}>{unitName(u.unitId)}</td><td>{u.boundDeviceId ?? '—'}</td>
                <td>
                  {u.disabled && <span class="tag warn">{t('disabled')}</span>}
                  {u.locked && <><span class="tag warn">{t('locked')} {formatTime(u.lockedUntil)}</span> <button class="link" onClick={() => void post(`/users/${u.username}/unlock`).then(load)}>{t('unlock')}</button></>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
