import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonScanner, JsonSyntaxError } from '../../shared/unpack/jsonScanner.js';
import { mutate, seededRandom } from '../support/random.js';

/** Where the scanner says the value starting at 0 ends, or the error it throws. */
function skip(text: string): number | JsonSyntaxError {
  try {
    const scanner = new JsonScanner(text);
    const end = scanner.skipValue();
    scanner.expectEnd();
    return end;
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
}

function acceptsLikeJsonParse(text: string): void {
  let parses = true;
  try {
    JSON.parse(text);
  } catch {
    parses = false;
  }
  const result = skip(text);
  assert.equal(
    typeof result === 'number',
    parses,
    `${JSON.stringify(text)}: JSON.parse ${parses ? 'accepts' : 'rejects'} it`,
  );
}

test('accepts exactly what JSON.parse accepts, token by token', () => {
  const valid = [
    '0',
    '-0',
    '12',
    '-3.25',
    '1e5',
    '1E+5',
    '2.5e-3',
    '639199803770463703',
    '12345678901234567890123',
    'true',
    'false',
    'null',
    '""',
    '"a"',
    '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
    '"\\u00e9\\uD83D\\uDE00"',
    '"é✓😀"',
    '[]',
    '{}',
    '[1,[2,{"a":[]}]]',
    ' { "a" : 1 , "b" : [ true , null ] } ',
    '{"":""}',
    '{"a\\"b":1}',
    '"C:\\\\Windows\\\\System32\\\\cmd.exe"',
    '"{\\"Sid\\":\\"S-1-5-18\\",\\"LogonId\\":0}"',
  ];
  const invalid = [
    '',
    '-',
    '01',
    '1.',
    '.5',
    '1e',
    '1e+',
    '+1',
    'tru',
    'nul',
    'True',
    'NaN',
    '"',
    '"abc',
    '"\\x41"',
    '"\\u12G4"',
    '"a\u0001b"',
    '"tab\there"',
    '"line\nbreak"',
    '[1,]',
    '[,1]',
    '{"a":1,}',
    '{"a" 1}',
    '{a:1}',
    "{'a':1}",
    '[1 2]',
    '{"a":1}}',
    '[',
    '{"a":',
    '"\\',
    '"\\u00"',
    '1 2',
    '\u0001[]',
  ];
  for (const text of [...valid, ...invalid]) acceptsLikeJsonParse(text);
  for (const text of valid) assert.equal(skip(text), text.trimEnd().length, `end of ${text}`);
});

test('agrees with JSON.parse on thousands of mutated Defender-like texts', () => {
  const base =
    '{"records":[{"time":"2026-07-18T14:08:10.0236840Z","properties":{"ReportId":639199803770463703,' +
    '"FolderPath":"c:\\\\windows\\\\system32","AdditionalFields":"{\\"Sid\\":\\"S-1-5-18\\"}","Count":-1.5e3,' +
    '"Ok":true,"None":null,"Name":"jürgen 报表 😀","Empty":""},"Tail":[1,{"a":[]}]}]}';
  assert.equal(skip(base), base.length);
  const random = seededRandom(42);
  const alphabet = [
    '"',
    '\\',
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    '0',
    '1',
    '-',
    '.',
    'e',
    'u',
    'n',
    ' ',
    '\n',
    '\u0001',
    'a',
    'é',
  ];
  for (let i = 0; i < 4000; i++) acceptsLikeJsonParse(mutate(base, random, alphabet));
});

test('strings with escapes decode like JSON.parse and end where they end', () => {
  for (const value of ['plain', 'C:\\Windows\\x', 'quote " inside', 'tab\tnew\nline', 'é 报 😀', '\u0000', '\\\\"']) {
    const text = `${JSON.stringify(value)},"next"`;
    const scanner = new JsonScanner(text);
    assert.equal(scanner.readString(), value);
    assert.equal(scanner.pos, JSON.stringify(value).length);
    scanner.pos++;
    assert.equal(scanner.readString(), 'next', 'the backslash search does not leak into the next string');
  }
});

test('a control character in a string is refused even when escapes come before it', () => {
  for (const text of ['"a\\nb\u0001"', '"\\u0041\u001f"', '["ok","bad\u0002"]']) {
    assert.ok(skip(text) instanceof JsonSyntaxError, JSON.stringify(text));
  }
  const spaced = '[\n"ok"\r\n,\t"fine"\n]';
  assert.equal(skip(spaced), spaced.length, 'whitespace between tokens is fine');
});

test('members and elements are walked without callbacks; keyLength and keyIs tell keys apart', () => {
  const scanner = new JsonScanner('{ "time" : "t", "category":"c" ,"a\\"b":[1, 2] }');
  const seen: string[] = [];
  assert.equal(scanner.enterObject(), true);
  do {
    const keyStart = scanner.nextKey();
    seen.push(
      `${scanner.keyLength}:${scanner.keyIs(keyStart, 'time') ? 'time' : scanner.keyIs(keyStart, 'category') ? 'category' : '?'}`,
    );
    scanner.skipValue();
  } while (scanner.nextMember());
  assert.deepEqual(seen, ['4:time', '8:category', '4:?']);
  scanner.expectEnd();

  const empty = new JsonScanner('{ }');
  assert.equal(empty.enterObject(), false);
  empty.expectEnd();
  const array = new JsonScanner('[ ]');
  assert.equal(array.enterArray(), false);
  array.expectEnd();
});

test('nesting thousands deep is walked as JSON.parse takes it, and an unclosed one is a syntax error', () => {
  const depth = 50_000;
  for (const text of [
    '['.repeat(depth) + ']'.repeat(depth),
    `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`,
    `${'[{"a":'.repeat(depth)}1${'}]'.repeat(depth)}`,
  ]) {
    assert.equal(skip(text), text.length);
  }
  assert.ok(skip('['.repeat(depth)) instanceof JsonSyntaxError);
  assert.ok(skip(`${'{"a":['.repeat(depth)}1${']}'.repeat(depth - 1)}]`) instanceof JsonSyntaxError);
});
