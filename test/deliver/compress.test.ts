import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { compressBody, GZIP_LEVEL } from '../../shared/deliver/compress.js';

test('compressBody gzips off the main thread and gunzips to the same bytes, small bodies and large', async () => {
  const small = Buffer.from('{"a":1}\n');
  const large = Buffer.from(
    `${'{"category":"AdvancedHunting-DeviceInfo","ReportId":639199803770463703,"x":"jürgen 报表"}\n'.repeat(20_000)}`,
  );
  const random = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251));
  for (const body of [small, large, random]) {
    const compressed = await compressBody(body);
    assert.equal(compressed[0], 0x1f);
    assert.equal(compressed[1], 0x8b);
    assert.deepEqual(gunzipSync(compressed), body);
  }
  assert.ok(
    (await compressBody(large)).length < large.length / 4,
    `level ${GZIP_LEVEL} still shrinks Defender text several times`,
  );
});
