import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyNetworkError, classifyResponse, parseRetryAfter } from '../../shared/deliver/outcome.js';
import type { SiemResponse } from '../../shared/types/outcome.js';

const answer = (status: number, headers: SiemResponse['headers'] = {}): SiemResponse => ({ status, headers, body: '' });
const NOW = Date.parse('2026-11-23T09:00:00Z');

test('every status is classified once: delivered, retry, unauthorized, or rejected (split only for 413 and 400)', () => {
  const kinds = new Map<number, string>();
  for (const status of [
    200, 201, 202, 204, 301, 302, 307, 308, 400, 401, 403, 404, 408, 409, 413, 415, 422, 429, 500, 502, 503, 504,
  ]) {
    const outcome = classifyResponse(answer(status), NOW);
    kinds.set(status, outcome.kind === 'reject' ? `reject${outcome.split ? '+split' : ''}` : outcome.kind);
  }
  assert.deepEqual(Object.fromEntries(kinds), {
    200: 'delivered',
    201: 'delivered',
    202: 'delivered',
    204: 'delivered',
    301: 'retry',
    302: 'retry',
    307: 'retry',
    308: 'retry',
    400: 'reject+split',
    401: 'unauthorized',
    403: 'unauthorized',
    404: 'retry',
    408: 'retry',
    409: 'reject',
    413: 'reject+split',
    415: 'reject',
    422: 'reject',
    429: 'retry',
    500: 'retry',
    502: 'retry',
    503: 'retry',
    504: 'retry',
  });
});

test('a redirect or a 404 says the destination is wrong, not the records: retried like an outage, with the likely fix', () => {
  const moved = classifyResponse(answer(301, { location: 'https://new.example.com/ingest?sig=secret-sig#x' }), NOW);
  assert.equal(moved.kind, 'retry');
  assert.equal(moved.kind === 'retry' && moved.reason, 'HTTP 301', 'the reason stays short: it is a metric dimension');
  assert.match(
    String((moved as { hint?: string }).hint),
    /redirect to https:\/\/new\.example\.com\/ingest, not followed.*SIEM_URL/,
  );
  assert.doesNotMatch(String((moved as { hint?: string }).hint), /secret-sig/, 'a query may hold a token');
  const missing = classifyResponse(answer(404), NOW);
  assert.match(String((missing as { hint?: string }).hint), /not found.*SIEM_URL/i);
});

test('Retry-After is read as seconds or as an HTTP date, on 429 and 503', () => {
  assert.deepEqual(classifyResponse(answer(429, { 'retry-after': '7' }), NOW), {
    kind: 'retry',
    reason: 'HTTP 429',
    status: 429,
    retryAfterMs: 7000,
  });
  const date = new Date(NOW + 90_000).toUTCString();
  assert.equal(
    (classifyResponse(answer(503, { 'retry-after': date }), NOW) as { retryAfterMs?: number }).retryAfterMs,
    90_000,
  );
  assert.equal(parseRetryAfter('1.5', NOW), 1500);
  assert.equal(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW), 0, 'a date in the past means now');
  assert.equal(parseRetryAfter('soon', NOW), undefined);
  assert.equal(parseRetryAfter('-3', NOW), undefined);
  assert.equal(parseRetryAfter(undefined, NOW), undefined);
});

test('network errors and timeouts are retried, named by their code', () => {
  assert.deepEqual(classifyNetworkError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })), {
    kind: 'retry',
    reason: 'network: ECONNRESET',
  });
  assert.deepEqual(classifyNetworkError(new DOMException('timed out', 'TimeoutError')), {
    kind: 'retry',
    reason: 'network: TimeoutError',
  });
});
