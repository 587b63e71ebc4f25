import { expect } from 'chai';
import { InstanceCache } from './instance-cache.js';

describe('instance cache (bounded by count and by live heap)', () => {
  it('keeps at most maxEntries, dropping the least recently used first', () => {
    const cache = new InstanceCache<number>({ maxEntries: 3, maxHeapBytes: Infinity, liveHeap: () => 0 });
    for (const key of ['a', 'b', 'c']) cache.set(key, 1);
    expect(cache.get('a')).to.equal(1); // a is now the most recent
    cache.set('d', 1);
    expect(cache.size).to.equal(3);
    expect(cache.get('b')).to.equal(undefined);
    expect(cache.get('a')).to.equal(1);
  });

  it('halves once per live-heap reading over the budget, keeping the newest entry', () => {
    let live = 0;
    const cache = new InstanceCache<number>({ maxEntries: 100, maxHeapBytes: 1000, liveHeap: () => live });
    for (let i = 0; i < 40; i += 1) cache.set(`k${i}`, i);
    expect(cache.size).to.equal(40);
    live = 5000; // a major GC found more live heap than the budget
    cache.set('k40', 40);
    expect(cache.size).to.equal(20);
    expect(cache.get('k40')).to.equal(40);
    expect(cache.get('k0')).to.equal(undefined);
    cache.set('k41', 41); // the same reading does not shrink it again
    expect(cache.size).to.equal(21);
    live = 5001; // the next GC still finds too much: halve again
    cache.set('k42', 42);
    expect(cache.size).to.equal(11);
    live = 10; // under budget: grows back to its count bound
    for (let i = 43; i < 60; i += 1) cache.set(`k${i}`, i);
    expect(cache.size).to.equal(28);
  });
});
