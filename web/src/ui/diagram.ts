/**
 * The case's diagram in a bpmn-js viewer (loaded only on the case page): the current step
 * highlighted, the steps done marked, with how many times each ran (loop by loop).
 */
import bundledXml from '../../../processes/enforcement-case.bpmn?raw';

export async function showDiagram(container: HTMLElement, opts: { version: number; current: string | null; done: Map<string, number> }): Promise<() => void> {
  const [{ default: NavigatedViewer }] = await Promise.all([
    import('bpmn-js/lib/NavigatedViewer'),
    import('bpmn-js/dist/assets/diagram-js.css'),
    import('bpmn-js/dist/assets/bpmn-js.css'),
  ]);
  let xml = bundledXml;
  try {
    const response = await fetch(`/api/processes/enforcement-case/xml?version=${opts.version}`, { credentials: 'same-origin' });
    if (response.ok) xml = await response.text();
  } catch {
    /* the diagram shipped with the pages */
  }
  const viewer = new NavigatedViewer({ container });
  await viewer.importXML(xml);
  const canvas = viewer.get('canvas') as { addMarker(id: string, m: string): void; zoom(v: string): void };
  const registry = viewer.get('elementRegistry') as { get(id: string): unknown };
  const overlays = viewer.get('overlays') as { add(id: string, o: { position: { top: number; right: number }; html: HTMLElement }): void };
  for (const [id, count] of opts.done) {
    if (!registry.get(id)) continue;
    canvas.addMarker(id, 'step-done');
    if (count > 1) {
      const badge = document.createElement('span');
      badge.className = 'loop-badge';
      badge.textContent = `×${count}`;
      overlays.add(id, { position: { top: -10, right: 10 }, html: badge });
    }
  }
  if (opts.current && registry.get(opts.current)) canvas.addMarker(opts.current, 'step-current');
  canvas.zoom('fit-viewport');
  return () => viewer.destroy();
}
