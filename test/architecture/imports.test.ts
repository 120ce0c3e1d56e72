/**
 * The layering rules, read from the sources' own import lines (type-only imports count: a cycle of types is
 * still a tangle to read): no module reaches itself again through its imports; the shared types at the bottom
 * import nothing of the project's; the entry points (functions/, cli/) use shared/, and shared/ uses neither.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCE_FOLDERS = ['functions', 'shared', 'cli'];
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sources(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

const files = SOURCE_FOLDERS.flatMap(sources);
const imports = new Map(
  files.map((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((match) =>
      normalize(join(dirname(file), match[1] ?? match[2]!)).replace(/\.js$/, '.ts'),
    );
    return [file, targets.filter((target) => files.includes(target))];
  }),
);

/** Every cycle's files, each cycle once (Tarjan's strongly connected components larger than one file). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do component.push((member = stack.pop()!));
    while (member !== file);
    if (component.length > 1 || graph.get(file)?.includes(file)) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

test('the sources were found', () => {
  assert.ok(files.length > 100 && files.includes('shared/types/records.ts') && files.includes('cli/main.ts'));
});

test('no import cycles', () => {
  assert.deepEqual(cycles(imports), []);
});

test('the check finds a cycle where there is one', () => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
  ]);
  assert.deepEqual(cycles(graph), [['a', 'b', 'c']]);
});

test('shared/types is the bottom: it imports nothing of the project but itself', () => {
  const upward = [...imports].flatMap(([file, targets]) =>
    file.startsWith('shared/types/')
      ? targets.filter((target) => !target.startsWith('shared/types/')).map((target) => `${file} -> ${target}`)
      : [],
  );
  assert.deepEqual(upward, []);
});

test('shared/ serves both entry points and imports neither; the functions never import the command line', () => {
  const crossing = [...imports].flatMap(([file, targets]) =>
    targets
      .filter(
        (target) =>
          (file.startsWith('shared/') && !target.startsWith('shared/')) ||
          (file.startsWith('functions/') && target.startsWith('cli/')),
      )
      .map((target) => `${file} -> ${target}`),
  );
  assert.deepEqual(crossing, []);
});
