/**
 * The documents point at each other: every relative link in README, docs/, bench/README and the project's own
 * Markdown resolves to a file that exists and, with #anchor, to a heading in it (anchors as GitHub makes them).
 * README's contents list names every section it has.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const documents = [
  'README.md',
  'CONTRIBUTING.md',
  'CHANGELOG.md',
  'bench/README.md',
  'infra/README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The document's text outside fenced code blocks. */
function prose(path: string): string[] {
  let fenced = false;
  return readFileSync(join(root, path), 'utf8')
    .split('\n')
    .filter((line) => {
      if (/^\s*```/.test(line)) {
        fenced = !fenced;
        return false;
      }
      return !fenced;
    });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped but for - and _, spaces as -. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

/** Every anchor of a document: a heading's slug, numbered from the second time it repeats. */
function anchors(path: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of prose(path)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

function links(path: string): string[] {
  return prose(path)
    .map((line) => line.replace(/`[^`]*`/g, ''))
    .flatMap((line) => [...line.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!));
}

test('every relative link in the documents reaches a file, and its anchor a heading', () => {
  const broken: string[] = [];
  for (const path of documents) {
    for (const link of links(path)) {
      if (/^[a-z]+:/i.test(link)) continue;
      const [target = '', anchor] = link.split('#');
      const file = target === '' ? join(root, path) : join(root, dirname(path), target);
      if (!existsSync(file)) {
        broken.push(`${path}: ${link} (no ${relative(root, file)})`);
      } else if (anchor !== undefined && !(statSync(file).isFile() && anchors(relative(root, file)).has(anchor))) {
        broken.push(`${path}: ${link} (no heading #${anchor} in ${relative(root, file)})`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

test("the anchors are GitHub's", () => {
  assert.ok(anchors('docs/deploy.md').has('5-point-defenders-streaming-api-at-the-namespace'));
  assert.ok(anchors('docs/guarantees.md').has('while-the-siem-is-down-the-hold-policy'));
  assert.ok(anchors('docs/check.md').has('defender-forwarder-check'));
});

test("README's contents list links every other section of README, in order", () => {
  const lines = prose('README.md');
  const sections = lines.filter((line) => line.startsWith('## ')).map((line) => line.slice(3));
  const start = lines.indexOf('## Contents');
  assert.ok(start >= 0, 'README has a Contents section');
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  const listed = lines
    .slice(start, end)
    .flatMap((line) => [...line.matchAll(/\]\((#[^)]+)\)/g)].map((match) => match[1]));
  const others = sections.filter((section) => section !== 'Contents');
  assert.deepEqual(
    listed,
    others.map((section) => `#${slug(section)}`),
  );
});
