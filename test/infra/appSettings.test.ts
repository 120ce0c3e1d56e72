import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { hostSettings, NODE_WORKER_ARGUMENTS, settings } from '../../shared/config/settings.js';
import type { SettingSpec } from '../../shared/config/settingTypes.js';
import { decorator, keys, literal, property, readBicep, source } from '../support/bicep.js';
import { INFRA, main, moduleParam, ROOT } from './templates.js';

const template = main();
const appSettings = template.vars.get('appSettings');
const templateSetting = (name: string) => property(appSettings, name);

const table: [string, object][] = [...Object.entries(settings), ...Object.entries(hostSettings)];
const isLocalOnly = (spec: object) => 'localOnly' in spec && spec.localOnly === true;
const inAzure = table.filter(([, spec]) => !isLocalOnly(spec)).map(([name]) => name);
const localOnly = table.filter(([, spec]) => isLocalOnly(spec)).map(([name]) => name);

test('the template sets every app setting the code, the host and the SDKs read, and nothing else', () => {
  const set = keys(appSettings);
  const missing = inAzure.filter((name) => !set.includes(name));
  const unknown = set.filter((name) => !inAzure.includes(name));
  assert.deepEqual(
    { missing, unknown },
    { missing: [], unknown: [] },
    'missing: add one line per setting to appSettings in infra/main.bicep (and a parameter if the deployer chooses ' +
      'the value); unknown: a setting no code reads, or one the table in shared/config/settings.ts lacks',
  );
});

test("local-only settings (a secret, connection strings, the command line's folder, the worker runtime) stay out of Azure", () => {
  assert.deepEqual(localOnly.sort(), [
    'AzureWebJobsStorage',
    'BACKFILL_STORAGE',
    'DEAD_LETTER_DIR',
    'DEAD_LETTER_STORAGE',
    'DEVICE_DIRECTORY',
    'FUNCTIONS_WORKER_RUNTIME',
    'SIEM_SECRET',
  ]);
  assert.deepEqual(
    keys(appSettings).filter((name) => localOnly.includes(name)),
    [],
  );
});

test('the runtime FUNCTIONS_WORKER_RUNTIME names locally is the Flex Consumption runtime, at the Node major package.json asks for', () => {
  const app = readBicep(new URL('modules/functionApp.bicep', INFRA));
  const site = [...app.resources.values()].find((resource) => resource.type === 'Microsoft.Web/sites')!;
  const runtime = property(site.body, 'properties.functionAppConfig.runtime');
  assert.equal(literal(property(runtime, 'name')), hostSettings.FUNCTIONS_WORKER_RUNTIME.example);
  const engines = (JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { engines: { node: string } })
    .engines.node;
  assert.equal(literal(property(runtime, 'version')), /\d+/.exec(engines)?.[0]);
});

test('the Node worker starts in Azure with the arguments the benchmark measures with, which cap its young generation', () => {
  assert.equal(literal(templateSetting('languageWorkers__node__arguments')), NODE_WORKER_ARGUMENTS);
  assert.equal(hostSettings.languageWorkers__node__arguments.example, NODE_WORKER_ARGUMENTS);
  // Enough survivors to make V8 grow the young generation as far as it may: two semi-spaces of 8 MB.
  const script = `const v8 = require('node:v8'); const kept = []; for (let i = 0; i < 3e6; i++) kept.push({ i });
    console.log(v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size / 1048576)`;
  const newSpaceMb = (args: readonly string[]) =>
    Number(execFileSync(process.execPath, [...args, '-e', script], { encoding: 'utf8' }));
  assert.equal(newSpaceMb(NODE_WORKER_ARGUMENTS.split(' ')), 16);
  assert.equal(newSpaceMb(['--max-semi-space-size=16']), 32);
});

// Values chosen on purpose, not by default: the forwarder's own consumer group keeps its checkpoints apart from
// any other reader of the hub, and the secret the template's vault holds needs a name.
const DELIBERATELY_NOT_THE_CODE_DEFAULT: Record<string, string> = {
  EVENT_HUB_CONSUMER_GROUP: 'consumerGroup',
  SIEM_SECRET_NAME: 'siemSecretName',
};

test("where a setting comes from a parameter, the parameter's default means what leaving the setting out means", () => {
  const compared: string[] = [];
  for (const [name, spec] of Object.entries(settings) as [string, SettingSpec<unknown>][]) {
    const parameter = /^(?:string\()?(\w+)\)?$/.exec(source(templateSetting(name)))?.[1];
    const fallback = literal(parameter ? template.params.get(parameter)?.defaultValue : undefined);
    if (fallback === undefined || fallback === null || name in DELIBERATELY_NOT_THE_CODE_DEFAULT) continue;
    assert.deepEqual(
      spec.parse(String(fallback)),
      spec.parse(undefined),
      `${name}: param ${parameter} = ${String(fallback)}`,
    );
    compared.push(name);
  }
  assert.ok(compared.length >= 12, `only ${compared.length} settings compared: ${compared.join(', ')}`);
});

test('the values chosen on purpose are valid settings', () => {
  for (const [name, parameter] of Object.entries(DELIBERATELY_NOT_THE_CODE_DEFAULT)) {
    assert.match(source(templateSetting(name)), new RegExp(`\\b${parameter}\\b`), name);
    const fallback = literal(template.params.get(parameter)?.defaultValue);
    assert.equal(typeof fallback, 'string', name);
    assert.doesNotThrow(() => settings[name as keyof typeof settings].parse(String(fallback)), name);
  }
});

test("identity-based connections sign in as the app's one user-assigned identity", () => {
  const clientId = 'identity.properties.clientId';
  for (const connection of ['AzureWebJobsStorage', 'EventHubConnection']) {
    assert.equal(literal(templateSetting(`${connection}__credential`)), 'managedidentity', connection);
    assert.equal(source(templateSetting(`${connection}__clientId`)), clientId, connection);
  }
  assert.equal(source(templateSetting('AZURE_CLIENT_ID')), clientId);
  assert.equal(literal(templateSetting('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')), undefined);
  assert.equal(
    source(templateSetting('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')),
    "'ClientId=${identity.properties.clientId};Authorization=AAD'",
  );
  assert.equal(template.resources.get('identity')?.type, 'Microsoft.ManagedIdentity/userAssignedIdentities');
  assert.equal(source(moduleParam(template, 'functionApp', 'identityId')), 'identity.id');
});

test('the Event Hub settings name what the template creates: the hubs, the consumer group, the namespace', () => {
  assert.equal(source(templateSetting('EVENT_HUB_NAMES')), "join(hubNames, ',')");
  assert.equal(source(moduleParam(template, 'eventHubs', 'hubNames')), 'hubNames');
  assert.equal(
    source(templateSetting('EVENT_HUB_CONSUMER_GROUP')),
    source(moduleParam(template, 'eventHubs', 'consumerGroup')),
  );
  assert.equal(
    source(templateSetting('EventHubConnection__fullyQualifiedNamespace')),
    'eventHubs.outputs.fullyQualifiedNamespace',
  );
  assert.equal(literal(template.params.get('eventHubName')?.defaultValue), settings.EVENT_HUB_NAMES.example);
});

test('the function app gets exactly these settings, through its appsettings resource alone', () => {
  assert.equal(source(moduleParam(template, 'functionApp', 'appSettings')), 'appSettings');
  const app = readBicep(new URL('modules/functionApp.bicep', INFRA));
  const config = [...app.resources.values()].filter((resource) => resource.type === 'Microsoft.Web/sites/config');
  assert.deepEqual(
    config.map((resource) => [literal(property(resource.body, 'name')), source(property(resource.body, 'properties'))]),
    [['appsettings', 'appSettings']],
  );
  const site = [...app.resources.values()].find((resource) => resource.type === 'Microsoft.Web/sites')!;
  assert.equal(property(site.body, 'properties.siteConfig.appSettings'), undefined);
});

/** The parameter a setting's value comes from, as `param` or `string(param)`; undefined for anything computed. */
const parameterOf = (name: string) => {
  const parameter = /^(?:string\()?(\w+)\)?$/.exec(source(templateSetting(name)))?.[1];
  return parameter && template.params.has(parameter) ? parameter : undefined;
};
const refuses = (spec: SettingSpec<unknown>, raw: string) => refusal(spec, raw) !== '';

test('a whole-number parameter is bounded exactly as the setting it becomes, so Azure refuses what the app would', () => {
  const checked: string[] = [];
  for (const [name, spec] of Object.entries(settings) as [string, SettingSpec<unknown>][]) {
    const parameter = parameterOf(name);
    const declared = parameter ? template.params.get(parameter)! : undefined;
    if (!parameter || declared?.type !== 'int') continue;
    const bound = (decoratorName: string) => literal(decorator(declared, decoratorName)?.args[0]);
    const [min, max] = [bound('minValue'), bound('maxValue')];
    assert.ok(
      typeof min === 'number' && typeof max === 'number',
      `${parameter}: @minValue and @maxValue, as ${name} has`,
    );
    assert.deepEqual(
      [
        refuses(spec, String(min - 1)),
        refuses(spec, String(min)),
        refuses(spec, String(max)),
        refuses(spec, String(max + 1)),
      ],
      [true, false, false, true],
      `${parameter} ${min}..${max} against ${name}`,
    );
    checked.push(parameter);
  }
  assert.ok(checked.length >= 12, checked.join(', '));
});

test('a parameter that becomes a setting of fixed choices allows exactly those (and empty where unset has a meaning)', () => {
  const checked: string[] = [];
  for (const [name, spec] of Object.entries(settings) as [string, SettingSpec<unknown>][]) {
    const parameter = parameterOf(name);
    const declared = parameter ? template.params.get(parameter)! : undefined;
    // A setting of choices names them when it refuses a value; any other setting takes this one.
    const choices = /must be one of (.+), got/.exec(refusal(spec, 'not-a-choice'))?.[1]?.split(', ');
    if (!parameter || declared?.type !== 'string' || !choices) continue;
    const allowed = decorator(declared, 'allowed')?.args[0];
    const expected = [...(spec.parse(undefined) === undefined ? [''] : []), ...choices];
    assert.deepEqual(allowed?.kind === 'array' ? allowed.items.map(literal) : [], expected, `${parameter} (${name})`);
    checked.push(parameter);
  }
  assert.deepEqual(checked.sort(), ['siemAuth', 'siemFormat']);
});

function refusal(spec: SettingSpec<unknown>, raw: string): string {
  try {
    spec.parse(raw);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}
