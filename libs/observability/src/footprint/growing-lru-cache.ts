import { LRUCache } from 'lru-cache';

type GrowingOptions<K extends NonNullable<unknown>, V extends NonNullable<unknown>> = Omit<
  LRUCache.OptionsBase<K, V, unknown>,
  'max' | 'maxSize' | 'sizeCalculation'
>;

/**
 * An LRU cache of at most `entries` entries whose memory grows with what it holds. Given `max`,
 * lru-cache allocates its arrays for `max` entries up front: about 4 MB for 100,000 entries with a TTL,
 * held by every replica from start-up whether one tenant uses it or 100,000 do. Counting each entry as
 * size 1 against `maxSize` keeps the same bound and the same eviction without that.
 */
export function growingLruCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(
  entries: number,
  options: GrowingOptions<K, V> = {},
): LRUCache<K, V> {
  return new LRUCache<K, V>({ ...options, maxSize: entries, sizeCalculation: () => 1 });
}
