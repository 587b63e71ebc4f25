/**
 * The admin pages' route: their code (forms, tables, the map, the modeler) is one lazy chunk
 * that only admins download; the phone's task pages never load it.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n.js';

type AdminModule = typeof import('./index.js');
let loading: Promise<AdminModule> | null = null;

export function AdminRoute({ path }: { path: string }) {
  const [mod, setMod] = useState<AdminModule | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    loading ??= import('./index.js');
    loading.then((m) => live && setMod(m), (e) => {
      loading = null;
      if (live) setError(String(e));
    });
    return () => {
      live = false;
    };
  }, []);
  if (error) return <p class="error" role="alert">{error}</p>;
  if (!mod) return <p aria-busy="true">{t('loading')}</p>;
  return <mod.AdminPage path={path} />;
}
