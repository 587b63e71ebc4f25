/** Admin page: user accounts with their device binding and lockout state (unlock). */
import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../../api.js';
import { formatTime, t } from '../../i18n.js';

interface Account { username: string; displayName: string; mobile: string; role: string; unitId: string | null; disabled: boolean; locked: boolean; lockedUntil: string | null; boundDeviceId: string | null; passwordExpiresAt: string | null }

export function UsersPage() {
  const [users, setUsers] = useState<Account[] | null>(null);
  const load = () => get<{ users: Account[] }>('/users?limit=200').then((a) => setUsers(a.users));
  useEffect(() => void load(), []);
  if (!users) return <p>{t('loading')}</p>;
  return (
    <section>
      <h1>{t('users')}</h1>
      <div class="scroll">
        <table class="list">
          <thead><tr><th scope="col">{t('username')}</th><th scope="col">姓名</th><th scope="col">{t('role')}</th><th scope="col">单位</th><th scope="col">{t('device')}</th><th scope="col">{t('status')}</th></tr></thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.username}>
                <td>{u.username}</td><td>{u.displayName}</td><td>{u.role}</td><td>{u.unitId ?? ''}</td><td>{u.boundDeviceId ?? '—'}</td>
                <td>
                  {u.disabled && <span class="tag warn">{t('disabled')}</span>}
                  {u.locked && <><span class="tag warn">{t('locked')} {formatTime(u.lockedUntil)}</span> <button class="link" onClick={() => void post(`/users/${u.username}/unlock`).then(load)}>解锁</button></>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
