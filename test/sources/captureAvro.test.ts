import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { EventMessage } from '../../shared/types/records.js';
import { captureTime, readCapture } from '../../cli/sources/captureAvro.js';
import { captureFile } from '../support/defenderFiles.js';
import { body, deviceEvent, deviceInfo } from '../support/records.js';

async function read(file: Buffer): Promise<EventMessage[]> {
  const messages: EventMessage[] = [];
  for await (const message of readCapture(Readable.from([file]), { file: 'x.avro' })) messages.push(message);
  return messages;
}

for (const codec of ['null', 'deflate'] as const) {
  test(`Capture files (${codec} codec): each Body is the message body, with where it was in the hub`, async () => {
    const bodies = [
      body([deviceInfo('d1', 'Servers')]),
      body([deviceEvent('d1', 'null'), deviceEvent('d2', 'absent')]),
    ];
    const messages = await read(
      await captureFile(bodies, { firstSequence: 41, codec, enqueued: '7/18/2026 2:08:10 PM' }),
    );
    assert.deepEqual(
      messages.map((message) => (message.body as Buffer).toString('utf8')),
      bodies,
    );
    assert.deepEqual(messages[1]!.source, {
      file: 'x.avro',
      sequenceNumber: 42,
      offset: '43008',
      enqueuedTime: '2026-07-18T14:08:10.000Z',
    });
  });
}

test('an event without a body is still a message, so it is counted and dead-lettered, not skipped', async () => {
  const messages = await read(await captureFile([body([deviceEvent('d1', 'absent')]), null]));
  assert.equal(messages.length, 2);
  assert.equal(messages[1]!.body, '');
});

test('a file that is not Avro fails the read instead of yielding nothing', async () => {
  await assert.rejects(read(Buffer.from('{"records":[]}')), /^Error: not an Avro container file$/);
});

test('a file cut short, in its header or in a block, fails the read instead of ending quietly', async () => {
  const whole = await captureFile([body([deviceInfo('d1', 'Servers')]), body([deviceEvent('d1', 'null')])], {
    codec: 'deflate',
  });
  for (const length of [2, 40, whole.length - 1]) {
    await assert.rejects(read(whole.subarray(0, length)), /cut short/, `${length} of ${whole.length} bytes`);
  }
  assert.equal((await read(Buffer.alloc(0))).length, 0, 'an empty file is no messages');
});

test('Capture times are read as UTC; other formats are kept as written', () => {
  assert.equal(captureTime('12/31/2026 12:00:05 AM'), '2026-12-31T00:00:05.000Z');
  assert.equal(captureTime('1/2/2026 12:30:00 PM'), '2026-01-02T12:30:00.000Z');
  assert.equal(captureTime('1/2/2026 11:30:00.25 PM'), '2026-01-02T23:30:00.250Z');
  assert.equal(captureTime('2026-01-02T12:30:00Z'), '2026-01-02T12:30:00Z');
});
