/**
 * Where a case is: a geo: link that opens the phone's own map app (it has the network and the
 * satellite fix), and the in-page map with the case's point and its area's outline — at once on
 * a desk screen, after a tap on a phone (Leaflet is not part of the phone's first download).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get, type CaseRecord } from '../api.js';
import { t } from '../i18n.js';
import { LazyMap } from './lazy-map.js';
import type { MapArea } from './map.js';

const wide = () => typeof matchMedia === 'function' && matchMedia('(min-width: 768px)').matches;

/** A geo: URI (RFC 5870) with the address as the label maps apps show. */
export function geoUri(lat: number, lng: number, label: string): string {
  const at = `${lat.toFixed(6)},${lng.toFixed(6)}`;
  return `geo:${at}?q=${at}(${encodeURIComponent(label.replace(/[()]/g, ' '))})`;
}

export function CaseLocation({ record }: { record: CaseRecord }) {
  const [shown, setShown] = useState(wide);
  const [area, setArea] = useState<MapArea | null>(null);
  const loc = record.location;
  useEffect(() => {
    if (!shown || !record.areaId) return;
    get<MapArea>(`/areas/${encodeURIComponent(record.areaId)}`).then(setArea, () => undefined);
  }, [shown, record.areaId]);
  const points = useMemo(() => (loc ? [{ lat: loc.lat, lng: loc.lng, label: record.address }] : []), [loc?.lat, loc?.lng, record.address]);
  const areas = useMemo(() => (area ? [area] : []), [area]);
  if (!loc && !record.areaId) return null;
  return (
    <section class="case-location" aria-label={t('map')}>
      {loc && <a class="button" href={geoUri(loc.lat, loc.lng, record.address)} data-geo>{t('openInMapApp')}</a>}
      {!shown && <button type="button" onClick={() => setShown(true)}>{t('showMap')}</button>}
      {shown && (
        <LazyMap label={`${t('map')} ${record.number}`} class="case-map"
          areas={areas} points={points} />
      )}
    </section>
  );
}
