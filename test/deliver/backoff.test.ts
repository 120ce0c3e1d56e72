import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from '../../shared/deliver/backoff.js';

const policy = { initialMs: 100, maxMs: 1000 };

test('full jitter: a wait from 0 up to initial * 2^attempt', () => {
  assert.equal(
    backoffDelay(0, policy, () => 0),
    0,
  );
  assert.equal(
    backoffDelay(0, policy, () => 0.999),
    99,
  );
  assert.equal(
    backoffDelay(2, policy, () => 0.5),
    200,
  );
  assert.equal(
    backoffDelay(3, policy, () => 0.999),
    799,
  );
});

test('the ceiling is capped at the maximum, however many attempts', () => {
  assert.equal(
    backoffDelay(4, policy, () => 0.999),
    999,
  );
  assert.equal(
    backoffDelay(5000, policy, () => 0.999),
    999,
  );
});
