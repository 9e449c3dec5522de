import { growingLruCache } from './growing-lru-cache';

describe('growingLruCache', () => {
  it('holds at most its entries and evicts the least recently used', () => {
    const cache = growingLruCache<string, number>(3);
    for (const key of ['a', 'b', 'c']) cache.set(key, 1);
    cache.get('a');
    cache.set('d', 1);
    expect([...cache.keys()].sort()).toEqual(['a', 'c', 'd']);
  });

  it('passes the other options on (a TTL here)', () => {
    const cache = growingLruCache<string, number>(10, { ttl: 1000 });
    cache.set('a', 1);
    expect(cache.getRemainingTTL('a')).toBeGreaterThan(0);
    expect(cache.getRemainingTTL('a')).toBeLessThanOrEqual(1000);
  });

  it('costs memory for what it holds, not for its bound', () => {
    const before = process.memoryUsage();
    // Given `max: 100_000` and a TTL, lru-cache allocates about 4 MB per cache: 40 MB for these ten.
    const caches = Array.from({ length: 10 }, () => growingLruCache<string, number>(100_000, { ttl: 60_000 }));
    caches.forEach((cache, i) => cache.set(`key-${i}`, i));
    const after = process.memoryUsage();
    const grownMb = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / 1048576;
    expect(grownMb).toBeLessThan(5);
    expect(caches.every((cache) => cache.size === 1)).toBe(true);
  });
});
