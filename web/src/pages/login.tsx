/** Sign-in: the password is typed every time and never kept on the phone (cookie session). */
import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { t } from '../i18n.js';
import { signIn } from '../session.js';

export function LoginPage() {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    setBusy(true);
    setError('');
    try {
      await signIn(String(form.get('username')), String(form.get('password')));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('signInFailed'));
      setBusy(false);
    }
  }
  return (
    <main id="main" class="login">
      <form onSubmit={submit} class="card" aria-labelledby="login-title">
        <h1 id="login-title">{t('appName')}</h1>
        <label>{t('username')}<input name="username" autoComplete="username" required autoFocus /></label>
        <label>{t('password')}<input name="password" type="password" autoComplete="current-password" required /></label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>{t('signIn')}</button>
      </form>
    </main>
  );
}
