/**
 * The few process instances kept in memory between actions, least recently used first out.
 * bpmn-engine holds about 2 MiB of heap per running instance of the enforcement diagram
 * (`npm run bench:scale` prints the figure), so the set is bounded twice: by count, and by the
 * process's measured heap — past the heap budget every idle entry is dropped at once, whatever
 * the count. Dropping an entry loses nothing: every instance's state is in the database after
 * each action, and the next action rebuilds it from there.
 */
import v8 from 'node:v8';

export interface InstanceCacheOptions {
  /** Entries kept at most. */
  maxEntries: number;
  /** When the process's used heap passes this many bytes, idle entries are dropped. */
  maxHeapBytes: number;
  /** Reads the used heap (injectable for tests). */
  heapUsed?: () => number;
}

export class InstanceCache<V> {
  private readonly entries = new Map<string, V>();
  private readonly heapUsed: () => number;
  /** How often the heap budget emptied the cache (reported by the benchmarks). */
  heapFlushes = 0;

  constructor(private readonly options: InstanceCacheOptions) {
    this.heapUsed = options.heapUsed ?? (() => v8.getHeapStatistics().used_heap_size);
  }

  get size(): number {
    return this.entries.size;
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
    while (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    if (this.entries.size > 1 && this.heapUsed() > this.options.maxHeapBytes) {
      this.heapFlushes += 1;
      for (const other of [...this.entries.keys()]) if (other !== key) this.entries.delete(other);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
