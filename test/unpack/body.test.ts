import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeUtf8 } from '../../shared/unpack/body.js';

test('UTF-8 decodes to the text it encodes, whichever characters decide how V8 holds it', () => {
  // Latin-1 only (two-byte sequences led by C2 or C3); just beyond it (Ā: C4 80, ߐ: DF 90, still two bytes); three
  // and four bytes; a byte-order mark; each alone, at either end and mixed.
  const pieces = ['plain', 'é', '\u0080', 'ÿ', '\u00a0', 'Ā', 'ߐ', '✓', '😀', '\ufeff'];
  const texts = [
    ...pieces,
    ...pieces.flatMap((piece) => [`${piece}{"a":"ÿé"}`, `{"a":"ÿé"}${piece}`, `é${piece}é${piece}é`]),
  ];
  for (const text of texts) assert.equal(decodeUtf8(Buffer.from(text)), text, JSON.stringify(text));
});
