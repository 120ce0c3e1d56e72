import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refreshingCredential } from '../../shared/deliver/refreshingCredential.js';
import type { SendWithSecret } from '../../shared/deliver/request.js';
import { CachedSecretProvider } from '../../shared/secrets/secretProvider.js';
import { forwardRecords, scripted } from '../support/scripted.js';

type RequestAnswer = Awaited<ReturnType<SendWithSecret>>;
const refused: RequestAnswer = { kind: 'unauthorized', status: 401 };
const delivered: RequestAnswer = { kind: 'delivered' };

/** The real cache in front of a vault whose secret is the next of `versions` at each read. */
function vault(...versions: Array<string | Error>) {
  let reads = 0;
  const secrets = new CachedSecretProvider(
    {
      read: async () => {
        const version = versions[reads++];
        if (version === undefined || version instanceof Error) throw version ?? new Error('read once too often');
        return version;
      },
    },
    60_000,
  );
  return Object.assign(secrets, { reads: () => reads });
}

function request(...answers: RequestAnswer[]) {
  return scripted<Parameters<SendWithSecret>, RequestAnswer>(answers);
}

const secretsSent = (send: ReturnType<typeof request>) => send.calls.map(([, secret]) => secret?.reveal());

test('each try carries the secret, read once and then from the cache', async () => {
  const secrets = vault('right');
  const send = request(delivered, delivered);
  const part = refreshingCredential(send, secrets);
  assert.deepEqual(await part(forwardRecords(1)), delivered);
  assert.deepEqual(await part(forwardRecords(1)), delivered);
  assert.deepEqual([secretsSent(send), secrets.reads()], [['right', 'right'], 1]);
});

test('a refused credential is read again and the part asks to be sent again at once; the new secret goes', async () => {
  const secrets = vault('stale', 'rotated');
  const send = request(refused, delivered);
  const part = refreshingCredential(send, secrets);
  assert.deepEqual(await part(forwardRecords(1)), { kind: 'refreshed' });
  assert.deepEqual(await part(forwardRecords(1)), delivered);
  assert.deepEqual([secretsSent(send), secrets.reads()], [['stale', 'rotated'], 2]);
});

test('refused again after it was read again, the refusal is the answer: the secret is read again once only', async () => {
  const secrets = vault('stale', 'still-stale');
  const send = request(refused, refused, refused);
  const part = refreshingCredential(send, secrets);
  assert.deepEqual(await part(forwardRecords(1)), { kind: 'refreshed' });
  assert.deepEqual(await part(forwardRecords(1)), refused);
  assert.deepEqual(await part(forwardRecords(1)), refused);
  assert.deepEqual([secretsSent(send), secrets.reads()], [['stale', 'still-stale', 'still-stale'], 2]);
});

test('each part composed has its own read again', async () => {
  const secrets = vault('stale', 'rotated', 'rotated-again');
  const send = request(refused, refused, refused);
  assert.deepEqual(await refreshingCredential(send, secrets)(forwardRecords(1)), { kind: 'refreshed' });
  assert.deepEqual(await refreshingCredential(send, secrets)(forwardRecords(1)), { kind: 'refreshed' });
  assert.deepEqual(secrets.reads(), 3);
});

test('a secret that cannot be read, or read again, ends the part unsent, with the error', async () => {
  const unreadable = request();
  assert.deepEqual(await refreshingCredential(unreadable, vault(new Error('vault unreachable')))(forwardRecords(1)), {
    kind: 'unsent',
    reason: 'secret-unavailable',
    detail: 'vault unreachable',
  });
  assert.equal(unreadable.calls.length, 0);
  const send = request(refused);
  assert.deepEqual(
    await refreshingCredential(send, vault('stale', new Error('vault unreachable')))(forwardRecords(1)),
    {
      kind: 'unsent',
      reason: 'secret-unavailable',
      detail: 'vault unreachable',
    },
  );
});

test('answers other than a refused credential pass as they came', async () => {
  const answers: RequestAnswer[] = [
    { kind: 'retry', reason: 'HTTP 503', status: 503 },
    { kind: 'late' },
    { kind: 'unsent', reason: 'unencodable', detail: 'x' },
  ];
  const part = refreshingCredential(request(...answers), vault('right'));
  for (const answer of answers) assert.deepEqual(await part(forwardRecords(1)), answer);
});

test('a refusal that comes back after the deadline is the answer: the secret is not read again then', async () => {
  const secrets = vault('stale', 'fresh');
  const send = request(refused);
  const part = refreshingCredential(send, secrets, () => true);
  assert.deepEqual(await part(forwardRecords(1)), refused);
  assert.equal(secrets.reads(), 1);
});
