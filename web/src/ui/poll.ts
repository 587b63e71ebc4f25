/** Runs `load` now, then every `intervalMs` while the page is on screen, and at once when it comes back into view. */
import { useEffect } from 'preact/hooks';

export function usePolling(load: (isStopped: () => boolean) => Promise<void> | void, intervalMs: number, deps: unknown[]): void {
  useEffect(() => {
    let stopped = false;
    const isStopped = () => stopped;
    const run = () => {
      if (document.visibilityState === 'visible') void load(isStopped);
    };
    void load(isStopped);
    const timer = setInterval(run, intervalMs);
    document.addEventListener('visibilitychange', run);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', run);
    };
  }, deps);
}
