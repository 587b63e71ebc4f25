/** Admin page: the process modeler, its own lazy chunk (bpmn-js and the properties panel). */
import { useEffect, useRef, useState } from 'preact/hooks';

export function ModelerPage() {
  const host = useRef<HTMLDivElement>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let dispose: (() => void) | null = null;
    let live = true;
    import('../../../../web-modeler/src/page.js')
      .then((m) => m.mountModelerPage(host.current as HTMLElement))
      .then((d) => (live ? (dispose = d) : d()), (e) => setError(String(e)));
    return () => {
      live = false;
      dispose?.();
    };
  }, []);
  return <section class="modeler-page">{error && <p class="error">{error}</p>}<div ref={host} /></section>;
}
