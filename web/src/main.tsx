/**
 * The pages' shell: sign-in gate, the header with the role's links and the language switch,
 * and the route table. Heavy pages (form-js, bpmn-js, the modeler) load their code lazily.
 */
import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import './style.css';
import { whenSignedOut } from './api.js';
import { currentLang, setLang, t } from './i18n.js';
import { match, navigate, route } from './router.js';
import { isDesk, loadSession, signOut, user } from './session.js';
import { useSignal, signal } from './signal.js';
import { LoginPage } from './pages/login.js';
import { ChangePasswordPage } from './pages/change-password.js';
import { TaskListPage } from './pages/tasklist.js';
import { TaskPage } from './pages/task.js';
import { CasePage } from './pages/case.js';
import { NewCasePage } from './pages/new-case.js';
import { SmsPage } from './pages/sms.js';
import { LawReaderPage, LawsPage } from './pages/laws.js';
import { AdminRoute } from './pages/admin/lazy.js';
import { ArrivalNotice, CountBadge, useAttention } from './ui/attention.js';
import { flash } from './ui/flash.js';

const langVersion = signal(0);

function Page({ path }: { path: string }) {
  let p: Record<string, string> | null;
  if ((p = match('/tasks/:id', path))) return <TaskPage id={p.id} />;
  if (match('/cases/new', path)) return <NewCasePage />;
  if ((p = match('/cases/:id', path))) return <CasePage id={p.id} />;
  if (match('/sms', path)) return <SmsPage />;
  if (match('/password', path)) return <ChangePasswordPage forced={false} />;
  if ((p = match('/laws/:id', path))) return <LawReaderPage id={p.id} path={path} />;
  if (match('/laws', path)) return <LawsPage path={path} />;
  if (path.startsWith('/admin/')) return <AdminRoute path={path} />;
  return <TaskListPage path={path} />;
}

function App() {
  const me = useSignal(user);
  const path = useSignal(route);
  useEffect(() => {
    if (me === null && !path.startsWith('/login')) navigate('/login', true);
    if (me && path.startsWith('/login')) navigate('/', true);
  }, [me, path]);
  if (me === undefined) return <p class="boot">{t('loading')}</p>;
  if (me === null) return <LoginPage />;
  // a temporary or expired password: nothing else until it is changed (the server refuses the rest too)
  if (me.mustChangePassword) return <PasswordGate me={me} />;
  return <Shell me={me} path={path} />;
}

function PasswordGate({ me }: { me: NonNullable<ReturnType<typeof user.get>> }) {
  return (
    <>
      <header class="top">
        <span class="brand">{t('appName')}</span>
        <span class="who" title={me.username}>{me.displayName}</span>
        <button type="button" class="link" onClick={() => void signOut()}>{t('signOut')}</button>
      </header>
      <main id="main" tabIndex={-1}><ChangePasswordPage forced /></main>
    </>
  );
}

function Shell({ me, path }: { me: NonNullable<ReturnType<typeof user.get>>; path: string }) {
  useSignal(langVersion);
  const attention = useAttention(isDesk(me));
  const switchLang = () => {
    setLang(currentLang() === 'en' ? 'zh-CN' : 'en');
    langVersion.set(langVersion.get() + 1);
  };
  return (
    <>
      <a class="skip" href="#main">{t('skip')}</a>
      <header class="top">
        <a class="brand" href="/">{t('appName')}</a>
        <nav aria-label="main">
          <a href="/" aria-current={path === '/' || path.startsWith('/?') ? 'page' : undefined}>{t('tabTodo')}<CountBadge n={attention.todo} kind="todo" /></a>
          {isDesk(me) && <a href="/cases/new">{t('newCase')}</a>}
          {isDesk(me) && <a href="/sms">{t('smsInbox')}<CountBadge n={attention.unread} kind="unread" /></a>}
          <a href="/laws" aria-current={path.startsWith('/laws') ? 'page' : undefined}>{t('laws')}</a>
          {me.role === 'admin' && <a href="/admin/users">{t('users')}</a>}
          {me.role === 'admin' && <a href="/admin/units">{t('units')}</a>}
          {me.role === 'admin' && <a href="/admin/areas">{t('areas')}</a>}
          {me.role === 'admin' && <a href="/admin/categories">{t('categories')}</a>}
          {me.role === 'admin' && <a href="/admin/audit">{t('auditLog')}</a>}
          {me.role === 'admin' && <a href="/admin/modeler">{t('modeler')}</a>}
        </nav>
        <span class="who" title={me.username}>{me.displayName}</span>
        <a href="/password" aria-current={path.startsWith('/password') ? 'page' : undefined}>{t('changePassword')}</a>
        <button type="button" class="link" onClick={switchLang} lang={currentLang() === 'en' ? 'zh-CN' : 'en'}>{t('language')}</button>
        <button type="button" class="link" onClick={() => void signOut()}>{t('signOut')}</button>
      </header>
      <ArrivalNotice attention={attention} />
      <FlashNotice path={path} />
      <main id="main" tabIndex={-1}>
        <Page path={path} key={`${path}|${currentLang()}`} />
      </main>
    </>
  );
}

/** The confirmation a page left for the next one (ui/flash.ts). */
function FlashNotice({ path }: { path: string }) {
  const note = useSignal(flash);
  useEffect(() => {
    if (note && note.path !== path) flash.set(null);
  }, [path]);
  if (!note || note.path !== path) return null;
  return (
    <p class="notice ok" role="status" data-flash>
      {note.text}
      <button type="button" class="link" onClick={() => flash.set(null)}>{t('cancel')}</button>
    </p>
  );
}

whenSignedOut(() => user.set(null));
void loadSession();
render(<App />, document.getElementById('app') as HTMLElement);
