/**
 * Every reason the code can give a dead letter, or a record it does not send, has a row in docs/operations.md's
 * troubleshooting table: an operator who finds a letter finds its cause and its fix. The reasons are read from the
 * sources, so a new one fails this test until it is documented.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function sources(folder: string): string[] {
  const path = join(root, folder);
  if (!existsSync(path)) return [];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => readFileSync(join(path, name), 'utf8'));
}

/** The members of every union type named ...Reason, and every reason written as a literal. */
function reasonsInCode(): Set<string> {
  const found = new Set<string>();
  for (const text of ['shared', 'cli', 'functions'].flatMap(sources)) {
    for (const union of text.matchAll(/type \w*Reason\s*=([^;]*);/g)) {
      for (const member of union[1]!.matchAll(/'([a-z][a-z-]*)'/g)) found.add(member[1]!);
    }
    for (const literal of text.matchAll(/\breason: '([a-z][a-z-]*)'(?!\s+in\b)/g)) found.add(literal[1]!);
  }
  return found;
}

test('every reason in the code has a row in the troubleshooting table of docs/operations.md', () => {
  const reasons = reasonsInCode();
  const known = [
    'invalid-json',
    'oversize-record',
    'siem-rejected',
    'secret-unavailable',
    'tenant-not-allowed',
    'unroutable',
  ];
  for (const reason of known) {
    assert.ok(reasons.has(reason), `the sources still name ${reason}`);
  }
  const rows = readFileSync(join(root, 'docs/operations.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| '));
  const undocumented = [...reasons].filter((reason) => !rows.some((row) => row.includes(`\`${reason}\``)));
  assert.deepEqual(undocumented, []);
});
