/** A tiny observable value, and a Preact hook that re-renders on its changes. */
import { useLayoutEffect, useState } from 'preact/hooks';

export interface Signal<T> { get(): T; set(v: T): void; subscribe(fn: (v: T) => void): () => void }

export function signal<T>(initial: T): Signal<T> {
  let value = initial;
  const listeners = new Set<(v: T) => void>();
  return {
    get: () => value,
    set(v) {
      value = v;
      for (const fn of listeners) fn(v);
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/**
 * The signal's value, re-rendering on every change. It subscribes in a layout effect (run as
 * the render commits, not after the next frame) and re-renders if the value moved between the
 * render and the subscription: a tab that paints no frame for a while (opened in the
 * background) would otherwise miss the session's answer and stay at 加载中… for good.
 */
export function useSignal<T>(s: Signal<T>): T {
  const [, force] = useState(0);
  const value = s.get();
  useLayoutEffect(() => {
    const unsubscribe = s.subscribe(() => force((n) => n + 1));
    if (s.get() !== value) force((n) => n + 1);
    return unsubscribe;
  }, [s]);
  return value;
}
