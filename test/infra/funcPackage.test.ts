import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { literal, property, readBicep } from '../support/bicep.js';
import { INFRA, ROOT } from './templates.js';

const root = fileURLToPath(ROOT);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const funcignore = readFileSync(join(root, '.funcignore'), 'utf8');

test('main points at the built functions, one per file in functions/', () => {
  assert.equal(pkg.main, 'dist/functions/*.js');
  const sources = readdirSync(join(root, 'functions')).filter((name) => name.endsWith('.ts'));
  assert.ok(sources.length > 0);
  for (const name of sources) assert.ok(existsSync(join(root, 'dist/functions', name.replace(/\.ts$/, '.js'))), name);
});

test('the package scripts build, then keep production dependencies only; func start builds first', () => {
  assert.match(pkg.scripts.build ?? '', /tsc -p tsconfig\.json/);
  assert.equal(pkg.scripts.package, 'npm prune --omit=dev');
  assert.equal(pkg.scripts.prestart, 'npm run build');
  assert.equal(pkg.scripts.start, 'func start');
});

test('func start runs from a local.settings.json copied from the sample: node worker, Azurite storage, the extension bundle', () => {
  const sample = JSON.parse(readFileSync(join(root, 'local.settings.sample.json'), 'utf8')) as {
    Values: Record<string, string>;
  };
  assert.equal(sample.Values.FUNCTIONS_WORKER_RUNTIME, 'node');
  assert.equal(sample.Values.AzureWebJobsStorage, 'UseDevelopmentStorage=true');
  const host = JSON.parse(readFileSync(join(root, 'host.json'), 'utf8')) as { extensionBundle?: { id?: string } };
  assert.equal(host.extensionBundle?.id, 'Microsoft.Azure.Functions.ExtensionBundle');
});

/** The top-level packages that must not ship: tooling and types, never loaded at run time. */
const NOT_SHIPPED = ['.bin', 'node', 'typescript', 'azurite', '@types', '@typescript', '@biomejs'];
const topLevelPackage = (path: string) => {
  const [, first = '', second = ''] = path.split('/');
  return first.startsWith('@') ? [first, `${first}/${second}`] : [first];
};

/** What the package must hold: the built functions and shared code, host.json, package.json, runtime dependencies. */
function shipped(path: string): boolean {
  if (path === 'host.json' || path === 'package.json') return true;
  if (/^dist\/(functions|shared)\//.test(path)) return !path.endsWith('.map');
  if (path.startsWith('node_modules/')) return !topLevelPackage(path).some((name) => NOT_SHIPPED.includes(name));
  return false;
}

/** Every path the tools could pack: the project's files, the build, each installed package, local state. */
function candidatePaths(): string[] {
  const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((path) => path !== '');
  const built = readdirSync(join(root, 'dist'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length).replaceAll('\\', '/'));
  const packages = readdirSync(join(root, 'node_modules')).flatMap((name) =>
    name.startsWith('@')
      ? readdirSync(join(root, 'node_modules', name)).map((inner) => `node_modules/${name}/${inner}/package.json`)
      : [`node_modules/${name}/${name === '.bin' ? 'tsc' : 'package.json'}`],
  );
  const local = [
    'local.settings.json',
    'demo-output/received/x.ndjson',
    'dead-letter/x.json',
    '.azurite/x',
    '__azurite_db_blob__.json',
  ];
  // Deep paths that share a name with something left out at the top: a pattern that is not anchored would drop them.
  const deep = [
    'node_modules/undici/README.md',
    'node_modules/undici/lib/test/x.js',
    'node_modules/undici/docs/shared/x.js',
    'dist/shared/test/x.js',
  ];
  return [...new Set([...tracked, ...built, ...packages, ...local, ...deep])].sort();
}

/**
 * Azure Functions Core Tools' reading of .funcignore (func publish and func pack): src/Cli/func/Common/
 * GitIgnoreParser.cs, a port of codemix/gitignore-parser. Each line becomes a regular expression anchored at the
 * start of the path; `!` lines win; a few names are always left out (FileSystemHelpers.GetLocalFiles).
 */
function coreToolsLeavesOut(text: string): (path: string) => boolean {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const pattern = (line: string) =>
    line
      .replace(/[-[\]/{}()+?.\\^$|]/g, '\\$&')
      .replaceAll('**', '(.+)')
      .replaceAll('*', '([^\\/]+)');
  const combine = (patterns: string[]) => (patterns.length > 0 ? new RegExp(`^((${patterns.join(')|(')}))\\b`) : /$^/);
  const strip = (line: string) => line.replace(/^!/, '').replace(/^\//, '');
  const positive = combine(
    lines
      .filter((line) => !line.startsWith('!'))
      .map(strip)
      .map(pattern),
  );
  const negative = combine(
    lines
      .filter((line) => line.startsWith('!'))
      .map(strip)
      .map(pattern),
  );
  const alwaysFiles = ['.funcignore', '.gitignore', 'local.settings.json', 'project.lock.json'];
  return (path) => {
    const parts = path.split('/');
    if (
      alwaysFiles.includes(parts[parts.length - 1]!) ||
      parts.slice(0, -1).some((dir) => dir === '.git' || dir === '.vscode')
    )
      return true;
    return !negative.test(path) && positive.test(path);
  };
}

/** azd's reading (pkg/project, ignore files "interpreted as standard .gitignore syntax"), by git itself. */
const scratch = mkdtempSync(join(tmpdir(), 'funcignore-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
function gitLeavesOut(text: string, paths: readonly string[]): Set<string> {
  execFileSync('git', ['init', '--quiet'], { cwd: scratch });
  writeFileSync(join(scratch, '.gitignore'), text);
  const result = execFileSync('git', ['check-ignore', '--no-index', '--stdin'], {
    cwd: scratch,
    input: paths.join('\n'),
    encoding: 'utf8',
  });
  return new Set(result.split('\n').filter((path) => path !== ''));
}

test('.funcignore leaves out sources, tests, tooling and dev dependencies, for Core Tools and azd alike', () => {
  const paths = candidatePaths();
  const coreTools = coreToolsLeavesOut(funcignore);
  const git = gitLeavesOut(funcignore, paths);
  const wrong = paths.flatMap((path) => {
    const expected = shipped(path) ? 'shipped' : 'left out';
    const byCoreTools = coreTools(path) ? 'left out' : 'shipped';
    const byAzd = git.has(path) || path === 'local.settings.json' ? 'left out' : 'shipped';
    return byCoreTools === expected && byAzd === expected
      ? []
      : [`${path}: want ${expected}, Core Tools ${byCoreTools}, azd ${byAzd}`];
  });
  assert.deepEqual(wrong, []);
  assert.ok(paths.some((path) => path.startsWith('dist/functions/') && shipped(path)));
  assert.ok(paths.some((path) => path.startsWith('functions/') && !shipped(path)));
});

test('every runtime dependency, direct or not, ships', () => {
  const installed = (name: string) => join(root, 'node_modules', name, 'package.json');
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !existsSync(installed(name))) return;
    seen.add(name);
    const manifest = JSON.parse(readFileSync(installed(name), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }))
      visit(dependency);
  };
  Object.keys(pkg.dependencies).forEach(visit);
  assert.ok(seen.size > Object.keys(pkg.dependencies).length);
  // Some libraries list type declarations among their dependencies; node never loads them.
  const loadedAtRunTime = [...seen].filter((name) => !name.startsWith('@types/'));
  assert.deepEqual(
    loadedAtRunTime.filter((name) => !shipped(`node_modules/${name}/package.json`)),
    [],
  );
  // A development tool the runtime also reaches (the tests' protobuf loader, which the telemetry SDK uses) ships.
  const developmentOnly = Object.keys(pkg.devDependencies).filter((name) => !seen.has(name));
  assert.deepEqual(
    developmentOnly.filter((name) => shipped(`node_modules/${name}/package.json`)),
    [],
  );
});

test('azd deploys this folder, built here, to the app the template tags for it', () => {
  const azure = readFileSync(join(root, 'azure.yaml'), 'utf8');
  const service = /^services:\n {2}(\w+):\n((?: {4}.*\n?)+)/m.exec(azure);
  assert.ok(service, 'a service in azure.yaml');
  const [, name, body = ''] = service;
  assert.match(body, /^ {4}project: \.$/m);
  assert.match(body, /^ {4}language: ts$/m);
  assert.match(body, /^ {4}host: function$/m);
  assert.match(body, /^ {4}remoteBuild: false$/m);
  assert.match(azure, /^infra:\n {2}provider: bicep\n {2}path: infra\n {2}module: main$/m);
  const app = readBicep(new URL('modules/functionApp.bicep', INFRA));
  const site = [...app.resources.values()].find((resource) => resource.type === 'Microsoft.Web/sites')!;
  const tags = property(site.body, 'tags');
  assert.equal(tags?.kind, 'other');
  assert.match(
    tags?.tokens.map((token) => (token.kind === 'string' ? `'${token.text}'` : token.text)).join('') ?? '',
    new RegExp(`'azd-service-name':'${name}'`),
  );
  assert.equal(literal(property(site.body, 'kind')), 'functionapp,linux');
});
