import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { BicepSyntaxError, moduleOutputsRead, parseBicep, undeclaredNames } from '../support/bicep.js';
import { INFRA, modulePath, templates } from './templates.js';

// No Bicep compiler runs here, so these checks stand in for the part of its work that needs no Azure knowledge.

const files = templates();

test('every template tokenizes with balanced brackets and parses into declarations', () => {
  assert.ok(files.has('main.bicep'));
  assert.ok(files.size >= 8, [...files.keys()].join(', '));
  assert.equal(files.get('main.bicep')?.targetScope, 'resourceGroup');
});

test('every name a template uses is declared in it or built into Bicep', () => {
  const undeclared = [...files].flatMap(([path, file]) =>
    undeclaredNames(file).map((use) => `${path}:${use.line} ${use.name}`),
  );
  assert.deepEqual(undeclared, []);
});

test('each module exists, gets only parameters it declares and every one it requires, and is read only for outputs it has', () => {
  const problems: string[] = [];
  for (const [path, file] of files) {
    for (const [name, module] of file.modules) {
      const target = files.get(modulePath(module.path));
      if (!target || !existsSync(new URL(modulePath(module.path), INFRA))) {
        problems.push(`${path}: module ${name} points at ${module.path}, which is not there`);
        continue;
      }
      const given =
        module.body.kind === 'object'
          ? module.body.properties.find((entry) => entry.key === 'params')?.value
          : undefined;
      const passed = given?.kind === 'object' ? given.properties.map((entry) => entry.key) : [];
      for (const param of passed)
        if (!target.params.has(param)) problems.push(`${path}: module ${name} passes unknown ${param}`);
      for (const [param, declared] of target.params) {
        if (!declared.defaultValue && !declared.type.endsWith('?') && !passed.includes(param)) {
          problems.push(`${path}: module ${name} lacks required ${param}`);
        }
      }
    }
    for (const read of moduleOutputsRead(file)) {
      const target = files.get(modulePath(file.modules.get(read.module)!.path));
      if (target && !target.outputs.has(read.output))
        problems.push(`${path}:${read.line} ${read.module}.outputs.${read.output} does not exist`);
    }
  }
  assert.deepEqual(problems, []);
});

test('resource types are namespaced and carry an API version', () => {
  const malformed = [...files].flatMap(([path, file]) =>
    [...file.resources]
      .filter(
        ([, resource]) =>
          !/^Microsoft\.\w+(\/\w+)+$/.test(resource.type) ||
          !/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(resource.apiVersion),
      )
      .map(([name, resource]) => `${path} ${name}: ${resource.type}@${resource.apiVersion}`),
  );
  assert.deepEqual(malformed, []);
});

test('the checks catch what they look for: unbalanced brackets, broken strings, typos, duplicates', () => {
  const broken = [
    "var a = {\n  b: 'c'\n",
    "var a = 'never closed\n",
    'var a = concat([1], (2]))\n',
    "var a = 'x ${b'\n",
    "var a = 'bad \\q escape'\n",
    'param a string\nparam a int\n',
    "resource r 'Microsoft.Web/sites@2024-04-01' = {\n  name 'missing colon'\n}\n",
  ];
  for (const text of broken) assert.throws(() => parseBicep(text), BicepSyntaxError, text);

  const typo = parseBicep("param name string\nvar upper = toUpper(nmae)\nvar s = '${name}-${upper}-${missing}'\n");
  assert.deepEqual(
    undeclaredNames(typo).map((use) => use.name),
    ['nmae', 'missing'],
  );
});
