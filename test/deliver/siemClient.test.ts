/**
 * The HTTP client against real loopback servers: whatever a request carries and however the peer behaves, it ends
 * within the timeout, and one bad request cannot stall the connection pool the others share.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ManagedIdentityCredential } from '@azure/identity';
import { SiemClient } from '../../shared/deliver/siemClient.js';
import { CachedSecretProvider, keyVaultReader } from '../../shared/secrets/secretProvider.js';
import type { SiemRequest } from '../../shared/types/sink.js';
import { startServer } from '../support/httpServer.js';
import { startSilentServer } from '../support/silentServer.js';

const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((close) => close())));

function post(url: string, authorization: string): SiemRequest {
  return { url, headers: { 'content-type': 'application/x-ndjson', authorization }, body: Buffer.from('{"n":1}\n') };
}

test('a header undici would refuse is refused before it is sent, by name, never its value; the pool keeps serving', {
  timeout: 20_000,
}, async () => {
  // Slow enough answers that the pool's two connections are busy and later requests queue behind them.
  const server = await startServer(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return { status: 200 };
  });
  const client = new SiemClient({ timeoutMs: 5_000, connections: 2 });
  closers.push(
    () => client.close(),
    () => server.close(),
  );
  const url = `${server.url}/in`;
  const outcomes = await Promise.allSettled(
    Array.from({ length: 12 }, (_, i) =>
      client.post(post(url, i % 3 === 1 ? `Bearer secret-part\n${i}` : 'Bearer good')),
    ),
  );
  outcomes.forEach((outcome, i) => {
    if (i % 3 !== 1) {
      assert.equal(outcome.status === 'fulfilled' && outcome.value.status, 200, `request ${i}`);
      return;
    }
    assert.equal(outcome.status, 'rejected', `request ${i}`);
    const reason = (outcome as PromiseRejectedResult).reason as Error;
    assert.match(reason.message, /"authorization" cannot be sent/);
    assert.doesNotMatch(reason.message, /secret-part/);
  });
  assert.equal(server.requests.length, 8, 'only the good requests went out');
  assert.equal((await client.post(post(url, 'Bearer good'))).status, 200, 'and the pool still serves');
});

test('no request outlives the timeout, not even one held up by a CA certificate whose Key Vault never answers', {
  timeout: 20_000,
}, async () => {
  const vault = await startSilentServer();
  const server = await startServer(() => ({ status: 200 }));
  closers.push(
    () => vault.close(),
    () => server.close(),
  );
  // The vault read is given far longer than the request: only the request's own limit can end it.
  const ca = new CachedSecretProvider(
    keyVaultReader(vault.url.replace('http:', 'https:'), 'siem-ca', new ManagedIdentityCredential(), {}, 60_000),
    60_000,
  );
  const client = new SiemClient({ timeoutMs: 300, connections: 2, ca });
  closers.push(() => client.close());
  const started = Date.now();
  await assert.rejects(
    client.post(post(`${server.url}/in`, 'Bearer good')),
    (error: Error) => error.name === 'TimeoutError' && /within 300 ms/.test(error.message),
  );
  assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  assert.equal(server.requests.length, 0);
});
