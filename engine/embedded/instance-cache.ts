/**
 * The few process instances kept in memory between actions, least recently used first out.
 * bpmn-engine holds about 2 MiB of heap per running instance of the enforcement diagram
 * (`npm run bench:scale` prints the figure), so the set is bounded twice: by count, and by the
 * process's measured heap. The heap is measured right after each major garbage collection (what
 * is live then, not the garbage V8 has not collected yet); when that passes the budget, the
 * cache halves at its next insertion, whatever the count. Dropping an entry loses nothing:
 * every instance's state is in the database after each action, and the next action rebuilds
 * it from there.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** Used heap after the last major GC, in bytes (0 until one happened, or once acted on). */
let liveHeapAfterGc = 0;
let observer: PerformanceObserver | null = null;

function watchMajorGc(): void {
  if (observer) return;
  observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) liveHeapAfterGc = v8.getHeapStatistics().used_heap_size;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
}

export interface InstanceCacheOptions {
  /** Entries kept at most. */
  maxEntries: number;
  /** When the process's used heap passes this many bytes, idle entries are dropped. */
  maxHeapBytes: number;
  /** Reads the live heap (injectable for tests); by default the used heap after the last major GC. */
  liveHeap?: () => number;
}

export class InstanceCache<V> {
  private readonly entries = new Map<string, V>();
  private readonly liveHeap: () => number;
  /** The live-heap reading the cache last acted on (each reading shrinks it once). */
  private actedOn = -1;
  /** How often the heap budget halved the cache (reported by the benchmarks). */
  heapFlushes = 0;

  constructor(private readonly options: InstanceCacheOptions) {
    if (options.liveHeap) this.liveHeap = options.liveHeap;
    else {
      watchMajorGc();
      this.liveHeap = () => liveHeapAfterGc;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether the key is held (without counting as a use). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Adds (or refreshes) an entry, then enforces both bounds; the new entry itself stays. */
  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.options.maxEntries) this.evictOldest();
    const live = this.liveHeap();
    if (live > this.options.maxHeapBytes && live !== this.actedOn) {
      this.actedOn = live;
      this.heapFlushes += 1;
      const keep = Math.floor(this.entries.size / 2);
      while (this.entries.size > Math.max(1, keep)) this.evictOldest();
    }
  }

  private evictOldest(): void {
    this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
