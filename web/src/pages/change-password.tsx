/**
 * 修改密码: the only page a session with a temporary or expired password may use (the server
 * refuses everything else with auth.password_expired), and a page anyone can open from the
 * header. The rules come from the server's policy; refusals are shown beside their field.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get } from '../api.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import { changePassword, signOut } from '../session.js';
import { fieldErrors } from '../ui/field-errors.js';
import { flash } from '../ui/flash.js';

interface Policy { minLength: number; maxLength: number; history: number }

export function ChangePasswordPage({ forced }: { forced: boolean }) {
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => void get<Policy>('/auth/password-policy').then(setPolicy, () => undefined), []);

  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const next = String(form.get('newPassword'));
    setMismatch(next !== String(form.get('repeatPassword')));
    if (next !== String(form.get('repeatPassword'))) return;
    setBusy(true);
    try {
      await changePassword(String(form.get('currentPassword')), next);
      flash.set({ path: '/', text: t('passwordChanged') });
      navigate('/', true);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  const errors = fieldErrors(error);
  const other = error && !errors.currentPassword && !errors.newPassword ? (error instanceof ApiError ? error.message : String(error)) : '';
  const field = (name: 'currentPassword' | 'newPassword' | 'repeatPassword', autoComplete: string, message?: string) => (
    <div class="field">
      <label>
        {t(name)}
        <input name={name} type="password" autoComplete={autoComplete} required maxLength={256} aria-invalid={message ? true : undefined} aria-describedby={message ? `${name}-error` : undefined} />
      </label>
      {message && <span class="field-error" id={`${name}-error`} data-error-for={name}>{message}</span>}
    </div>
  );
  return (
    <section class="change-password">
      <form class="card" onSubmit={submit} data-form="change-password" aria-labelledby="change-password-h">
        <h1 id="change-password-h">{t('changePassword')}</h1>
        {forced && <p class="notice" role="status" data-must-change>{t('mustChangeHint')}</p>}
        {policy && <p class="hint small">{t('passwordRules', { min: policy.minLength, max: policy.maxLength, history: Math.max(policy.history, 1) })}</p>}
        {field('currentPassword', 'current-password', errors.currentPassword)}
        {field('newPassword', 'new-password', errors.newPassword)}
        {field('repeatPassword', 'new-password', mismatch ? t('passwordsDiffer') : undefined)}
        {other && <p class="error" role="alert">{other}</p>}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>{t('changePassword')}</button>
          {forced ? <button type="button" onClick={() => void signOut()}>{t('signOut')}</button> : <a class="button" href="/">{t('cancel')}</a>}
        </div>
      </form>
    </section>
  );
}
