import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedCache } from '../../shared/enrich/boundedCache.js';

test('forgets an entry once its time to live has passed', () => {
  let now = 1_000;
  const cache = new BoundedCache<string, number>(10, () => now);
  cache.set('a', 1, 500);
  cache.set('b', 2);
  now += 499;
  assert.equal(cache.get('a'), 1);
  now += 1;
  assert.equal(cache.get('a'), undefined);
  assert.equal(cache.get('b'), 2, 'no ttl: kept');
  assert.equal(cache.size, 1);
});

test('holds at most its capacity, forgetting the least recently used first', () => {
  const cache = new BoundedCache<string, number>(2);
  cache.set('a', 1);
  cache.set('b', 2);
  assert.equal(cache.get('a'), 1);
  cache.set('c', 3);
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('a'), 1);
  assert.equal(cache.get('c'), 3);
  assert.equal(cache.size, 2);
});
