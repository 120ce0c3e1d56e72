import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { FolderDeadLetterStore } from '../../shared/deadletter/folderStore.js';
import { storeContract } from './storeContract.js';

const folder = () => mkdtempSync(join(tmpdir(), 'dsf-dead-'));

const contractFolder = folder();
storeContract('folder store', (place) => new FolderDeadLetterStore(join(contractFolder, place)));

test('folder store: a lock left by a process that died is taken over; a fresh one is respected', async () => {
  const store = new FolderDeadLetterStore(folder());
  const name = '2026/11/23/2026-11-23T090001000Z-t-siem-unavailable-0123456789abcdef.json';
  const path = join(store.directory, ...name.split('/'));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, '{"reason":"x","attempts":0,"records":[]}');
  await writeFile(`${path}.lock`, '');
  assert.equal(await store.claim(name, () => assert.fail('the lock is fresh')), false);
  const old = new Date(Date.now() - 10 * 60_000);
  await utimes(`${path}.lock`, old, old);
  assert.equal(await store.claim(name, async () => undefined), true);
});

test('folder store: nothing but finished letters is left in the folder', async () => {
  const store = new FolderDeadLetterStore(folder());
  const meta = {
    reason: 'missing-category',
    detail: 'd',
    attempts: 0,
    failedAt: '2026-11-23T09:00:00.000Z',
    source: {},
  };
  await Promise.all(Array.from({ length: 5 }, () => store.write({ meta, records: ['{}'] })));
  const files = await readdir(store.directory, { recursive: true });
  assert.deepEqual(
    files.filter((file) => file.endsWith('.tmp') || file.endsWith('.lock')),
    [],
  );
  assert.equal(files.filter((file) => file.endsWith('.json')).length, 1);
});
