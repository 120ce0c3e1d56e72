/** What every dead-letter store must do; run against the folder store and against Blob storage on Azurite. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeDeadLetter, readDeadLetterMeta, type DeadLetter } from '../../shared/deadletter/entry.js';
import type { DeadLetterStore } from '../../shared/deadletter/store.js';
import { keyedRecord } from '../support/records.js';

function letter(key: string, enqueuedTime: string): DeadLetter {
  return {
    meta: {
      reason: 'siem-unavailable',
      detail: 'the SIEM was unavailable until the deadline: HTTP 503',
      category: 'AdvancedHunting-DeviceProcessEvents',
      attempts: 4,
      failedAt: '2026-11-23T09:30:00.000Z',
      source: { hub: 'hub', partition: '0', sequenceNumbers: [1], enqueuedTime },
    },
    records: [keyedRecord(key)],
  };
}

/** `newStore(place)`: a store on its own folder or container; two calls with one place share their letters. */
export function storeContract(kind: string, newStore: (place: string) => DeadLetterStore): void {
  test(`${kind}: letters are listed oldest first, and writing one twice keeps one`, async () => {
    const store = newStore('listing');
    const later = await store.write(letter('b', '2026-11-23T09:00:05.000Z'));
    const earlier = await store.write(letter('a', '2026-11-23T09:00:01.000Z'));
    assert.equal(await store.write(letter('a', '2026-11-23T09:00:01.000Z')), earlier);
    const names: string[] = [];
    for await (const name of store.list()) names.push(name);
    assert.deepEqual(names, [earlier, later]);
  });

  test(`${kind}: a claimed letter is read whole, and can be replaced or deleted`, async () => {
    const store = newStore('claiming');
    const kept = await store.write(letter('keep', '2026-11-23T09:00:01.000Z'));
    const gone = await store.write(letter('gone', '2026-11-23T09:00:02.000Z'));
    const replacement = encodeDeadLetter({
      ...letter('keep', '2026-11-23T09:00:01.000Z'),
      meta: { ...letter('keep', '').meta, attempts: 9 },
    });
    assert.equal(
      await store.claim(kept, async (held) => {
        assert.equal(held.content, encodeDeadLetter(letter('keep', '2026-11-23T09:00:01.000Z')));
        await held.replace(replacement);
      }),
      true,
    );
    assert.equal(await store.claim(gone, (held) => held.delete()), true);
    const seen = new Map<string, string>();
    for await (const name of store.list()) await store.claim(name, async (held) => void seen.set(name, held.content));
    assert.deepEqual([...seen.keys()], [kept]);
    assert.equal(readDeadLetterMeta(seen.get(kept)!)?.attempts, 9);
    assert.equal(await store.claim(gone, () => assert.fail('a deleted letter cannot be claimed')), false);
  });

  test(`${kind}: while one caller holds a letter, another cannot claim it; after, it can`, async () => {
    const store = newStore('holding');
    const name = await store.write(letter('x', '2026-11-23T09:00:01.000Z'));
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const first = store.claim(name, async () => {
      entered();
      await holding;
    });
    await inside;
    assert.equal(await newStore('holding').claim(name, () => assert.fail('claimed twice')), false);
    release();
    assert.equal(await first, true);
    assert.equal(await newStore('holding').claim(name, async () => undefined), true);
  });

  test(`${kind}: a letter of any category is written and read back: 2,000 characters, a lone surrogate, any script`, async () => {
    const store = newStore('categories');
    for (const category of [
      `AdvancedHunting-${'R'.repeat(1984)}`,
      'AdvancedHunting-Device\ud800Events',
      'AdvancedHunting-Gerätä報表\r\n',
    ]) {
      const odd = { ...letter('odd', '2026-11-23T09:00:01.000Z'), meta: { ...letter('odd', '').meta, category } };
      const name = await store.write(odd);
      assert.ok(name.length <= 1024 && name.split('/').every((part) => Buffer.byteLength(part) <= 255), name);
      assert.equal(
        await store.claim(name, async (held) => assert.equal(readDeadLetterMeta(held.content)?.category, category)),
        true,
      );
    }
  });

  test(`${kind}: work that throws leaves the letter as it was, and free`, async () => {
    const store = newStore('throwing');
    const name = await store.write(letter('y', '2026-11-23T09:00:01.000Z'));
    await assert.rejects(
      store.claim(name, () => Promise.reject(new Error('SIEM exploded'))),
      /SIEM exploded/,
    );
    assert.equal(
      await store.claim(name, async (held) =>
        assert.equal(held.content, encodeDeadLetter(letter('y', '2026-11-23T09:00:01.000Z'))),
      ),
      true,
    );
  });
}
