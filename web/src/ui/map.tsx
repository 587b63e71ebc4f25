/**
 * A Leaflet map of areas (GeoJSON polygons) and points, drawn as SVG vectors with a scale bar.
 * The intranet has no internet, so a raster tile layer is added only when the server names a
 * tile server (/api/web-config); names are set as text, never as HTML. Loaded lazily (lazy-map).
 */
import { useEffect, useRef } from 'preact/hooks';
import * as L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { get } from '../api.js';

export interface MapArea {
  id: string;
  name: string;
  geometry: { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
}

export interface MapPoint {
  lng: number;
  lat: number;
  label: string;
}

export interface MapProps {
  areas: MapArea[];
  points?: MapPoint[];
  /** An area drawn stronger (the selected one), and the map zooms to it. */
  selected?: string | null;
  onSelect?: (id: string) => void;
  /** The map's accessible name. */
  label: string;
  class?: string;
}

interface WebConfig { map: { tileUrl: string | null; attribution: string | null } }

let configOnce: Promise<WebConfig['map']> | null = null;
/** The tile server, asked once per page view; none when the route is missing or fails. */
function tileConfig(): Promise<WebConfig['map']> {
  configOnce ??= get<WebConfig>('/web-config').then((c) => c.map, () => ({ tileUrl: null, attribution: null }));
  return configOnce;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const textNode = (text: string) => Object.assign(document.createElement('span'), { textContent: text });

const areaStyle = { color: '#1d5fa8', weight: 1.5, fillColor: '#1d5fa8', fillOpacity: 0.08 };
const selectedStyle = { color: '#c0392b', weight: 3, fillColor: '#c0392b', fillOpacity: 0.15 };

export function MapView({ areas, points = [], selected = null, onSelect, label, class: className }: MapProps) {
  const host = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layers = useRef<L.LayerGroup | null>(null);
  const select = useRef(onSelect);
  select.current = onSelect;

  useEffect(() => {
    const m = L.map(host.current as HTMLElement, { renderer: L.svg(), attributionControl: false, zoomSnap: 0.5 });
    L.control.scale({ imperial: false }).addTo(m);
    layers.current = L.layerGroup().addTo(m);
    map.current = m;
    let live = true;
    void tileConfig().then((config) => {
      if (!live || !config.tileUrl) return;
      L.tileLayer(config.tileUrl, { maxZoom: 19 }).addTo(m).bringToBack();
      if (config.attribution) L.control.attribution({ prefix: false }).addAttribution(escapeHtml(config.attribution)).addTo(m);
    });
    return () => {
      live = false;
      m.remove();
      map.current = null;
    };
  }, []);

  useEffect(() => {
    const m = map.current;
    const group = layers.current;
    if (!m || !group) return;
    group.clearLayers();
    let focus: L.LatLngBounds | null = null;
    for (const area of areas) {
      const shape = L.geoJSON({ type: 'Feature', geometry: area.geometry, properties: {} } as GeoJSON.Feature, {
        style: () => (area.id === selected ? selectedStyle : areaStyle),
      });
      shape.bindTooltip(textNode(area.name), { sticky: true });
      shape.on('click', () => select.current?.(area.id));
      // paths exist once the map has a view (Leaflet defers adding layers until then)
      shape.on('add', () => shape.eachLayer((layer) => (layer as L.Path).getElement?.()?.setAttribute('data-area', area.id)));
      shape.addTo(group);
      if (area.id === selected) focus = shape.getBounds();
    }
    const bounds = L.latLngBounds([]);
    for (const layer of group.getLayers()) bounds.extend((layer as L.GeoJSON).getBounds());
    for (const p of points) {
      L.circleMarker([p.lat, p.lng], { radius: 8, color: '#fff', weight: 2, fillColor: '#c0392b', fillOpacity: 1 })
        .bindTooltip(textNode(p.label), { permanent: points.length === 1, direction: 'top', offset: [0, -8] })
        .addTo(group);
      bounds.extend([p.lat, p.lng]);
    }
    m.invalidateSize();
    if (focus) m.fitBounds(focus, { padding: [24, 24], maxZoom: 17 });
    else if (points.length === 1 && areas.length === 0) m.setView([points[0].lat, points[0].lng], 16);
    else if (bounds.isValid()) m.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 });
    else m.setView([35, 105], 4); // nothing to show: China
  }, [areas, points, selected]);

  return <div ref={host} class={`map ${className ?? ''}`} role="region" aria-label={label} />;
}
