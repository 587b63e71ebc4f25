/** The map, loaded on first use: Leaflet is its own chunk, so pages without a map stay small. */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n.js';
import type { MapProps } from './map.js';

type MapModule = typeof import('./map.js');
let loading: Promise<MapModule> | null = null;

export function LazyMap(props: MapProps) {
  const [mod, setMod] = useState<MapModule | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    loading ??= import('./map.js');
    loading.then((m) => live && setMod(m), () => {
      loading = null;
      if (live) setFailed(true);
    });
    return () => {
      live = false;
    };
  }, []);
  if (failed) return <p class="error">{t('mapFailed')}</p>;
  if (!mod) return <div class={`map ${props.class ?? ''}`} aria-busy="true">{t('loading')}</div>;
  return <mod.MapView {...props} />;
}
