/**
 * Resource names come from namePrefix, which a deployer types freely. Each must be valid for its resource type
 * whatever the prefix holds, or the deployment fails halfway; the rules are Azure's naming rules
 * (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BicepFailure, Evaluation } from '../support/bicepEval.js';
import { main } from './templates.js';

const template = main();
const names = (namePrefix: string) =>
  new Evaluation(template, { namePrefix }).variable('names') as Record<string, string>;

const RULES: Record<string, RegExp> = {
  storage: /^[a-z0-9]{3,24}$/,
  // 3-24 letters, digits and dashes; starts with a letter, ends with a letter or digit, no two dashes in a row.
  keyVault: /^(?!.*--)[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/,
  // 6-50 letters, digits and dashes; starts with a letter, ends with a letter or digit, not with -sb or -mgmt.
  eventHubs: /^(?!.*-(sb|mgmt)$)[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$/,
  functionApp: /^[a-zA-Z0-9][a-zA-Z0-9-]{0,58}[a-zA-Z0-9]$/,
  plan: /^[a-zA-Z0-9-]{1,60}$/,
  workspace: /^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$/,
  appInsights: /^[^%&\\?/\x00-\x1f]{0,259}[^%&\\?/\x00-\x1f .]$/,
  identity: /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/,
};

/** Prefixes a person might type, and a few hundred of any characters, drawn the same way on every run. */
function prefixes(): string[] {
  const typed = [
    'dsf',
    'My-App',
    'SIEM',
    'prod_eu',
    'a.b-c',
    'x1',
    '9lives',
    'Über-1',
    'A-B-C-D-',
    '-edge-',
    'zzzzzzzz',
  ];
  const characters = 'abcxyzABCXYZ0189-_.~ é';
  let seed = 20;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const drawn = Array.from({ length: 300 }, () =>
    Array.from({ length: 2 + (next() % 7) }, () => characters[next() % characters.length]).join(''),
  );
  return [...typed, ...drawn].filter((prefix) => /[a-zA-Z0-9]/.test(prefix));
}

test("every resource name is valid for its type whatever namePrefix holds, the storage account's included", () => {
  const invalid: string[] = [];
  for (const prefix of prefixes()) {
    for (const [resource, name] of Object.entries(names(prefix))) {
      const rule = RULES[resource];
      assert.ok(rule, `no naming rule for ${resource}`);
      if (!rule.test(name)) invalid.push(`namePrefix ${JSON.stringify(prefix)}: ${resource} ${JSON.stringify(name)}`);
    }
  }
  assert.deepEqual(invalid, []);
});

test('a namePrefix of lowercase letters and digits keeps the names it always had, so an upgrade creates nothing new', () => {
  const token = new Evaluation(template, { namePrefix: 'dsf' }).variable('token');
  assert.deepEqual(names('dsf'), {
    identity: `id-dsf-${token}`,
    storage: `stdsf${token}`,
    eventHubs: `evhns-dsf-${token}`,
    keyVault: `kv-dsf-${token}`.slice(0, 24),
    workspace: `log-dsf-${token}`,
    appInsights: `appi-dsf-${token}`,
    plan: `plan-dsf-${token}`,
    functionApp: `func-dsf-${token}`,
  });
  assert.match(names('My-App').storage!, /^stmyapp[a-z0-9]{13}$/);
});

test('a namePrefix without a letter or a digit stops the deployment, naming the parameter', () => {
  assert.throws(
    () => names('--'),
    (error: Error) => error instanceof BicepFailure && /namePrefix/.test(error.message),
  );
});
