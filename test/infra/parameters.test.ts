import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { decorator, literal, property, source, type Expr } from '../support/bicep.js';
import { INFRA, main, templates } from './templates.js';

const template = main();
const parameterFile = JSON.parse(readFileSync(new URL('main.parameters.json', INFRA), 'utf8')) as {
  parameters: Record<string, { value: unknown }>;
};

// The Streaming API's generally available tables (MicrosoftDocs/defender-docs, defender-xdr/supported-event-types.md).
const STREAMED_TABLES = [
  'AlertEvidence', 'AlertInfo', 'CloudAppEvents', 'DeviceEvents', 'DeviceFileCertificateInfo', 'DeviceFileEvents',
  'DeviceImageLoadEvents', 'DeviceInfo', 'DeviceLogonEvents', 'DeviceNetworkEvents', 'DeviceNetworkInfo',
  'DeviceProcessEvents', 'DeviceRegistryEvents', 'EmailAttachmentInfo', 'EmailEvents', 'EmailPostDeliveryEvents',
  'EmailUrlInfo', 'IdentityLogonEvents', 'IdentityQueryEvents', 'IdentityDirectoryEvents', 'UrlClickEvents',
];

test('every parameter of every template says what it is for', () => {
  const undescribed: string[] = [];
  for (const [path, file] of templates()) {
    for (const [name, param] of file.params) {
      const text = literal(decorator(param, 'description')?.args[0]);
      if (typeof text !== 'string' || text.trim().length < 10) undescribed.push(`${path} ${name}`);
    }
  }
  assert.deepEqual(undescribed, []);
});

test('the deployer must give only the SIEM URL; azd passes it from the environment', () => {
  const required = [...template.params].filter(([, param]) => !param.defaultValue).map(([name]) => name);
  assert.deepEqual(required, ['siemUrl']);
  assert.equal(parameterFile.parameters.siemUrl?.value, '${SIEM_URL}');
  const unknown = Object.keys(parameterFile.parameters).filter((name) => !template.params.has(name));
  assert.deepEqual(unknown, []);
});

test('defaults are the safe choice: no one granted anything, nothing secret passed through a deployment', () => {
  const defaults = Object.fromEntries([...template.params].map(([name, param]) => [name, literal(param.defaultValue)]));
  assert.equal(defaults.siemSecret, '');
  assert.equal(defaults.secretsOfficerPrincipalId, '');
  assert.equal(defaults.developerPrincipalId, '');
  assert.equal(defaults.alertActionGroupId, '');
  assert.equal(defaults.siemAuth, '', 'empty: the format picks its own auth (a secret unless entra)');
  assert.equal(defaults.eventHubLayout, 'single');
  assert.equal(defaults.eventHubsSku, 'Standard');
});

test('limits a deployer may set wrongly are bounded where Azure bounds them', () => {
  const bounds = (name: string) => {
    const param = template.params.get(name)!;
    return [literal(decorator(param, 'minValue')?.args[0]), literal(decorator(param, 'maxValue')?.args[0]), literal(param.defaultValue)];
  };
  assert.deepEqual(bounds('maximumInstanceCount'), [1, 1000, 40]);
  assert.deepEqual(bounds('eventHubPartitions'), [1, 32, 4]);
  assert.deepEqual(bounds('eventHubRetentionHours'), [1, 2160, 168]);
  const memory = decorator(template.params.get('instanceMemoryMB')!, 'allowed')?.args[0];
  assert.deepEqual(memory?.kind === 'array' ? memory.items.map(literal) : [], [512, 2048, 4096]);
});

test('per-table hubs: the default tables are streamed tables, fit a Standard namespace, and get Defender\'s hub names', () => {
  const tables = template.params.get('defenderTables')?.defaultValue;
  const names = tables?.kind === 'array' ? tables.items.map(literal) : [];
  assert.ok(names.length > 0 && names.length <= 10, `${names.length} tables`);
  assert.deepEqual(names.filter((name) => !STREAMED_TABLES.includes(String(name))), []);
  assert.equal(source(template.vars.get('perTableHubNames')), "map(defenderTables, table => 'insights-logs-advancedhunting-${toLower(table)}')");
  // More than 10 hubs on Standard stops the deployment with a message instead of a quota error halfway through.
  assert.match(source(template.vars.get('hubNames')), /^tooManyHubsForStandard \? fail\('A Standard Event Hubs namespace holds at most 10 hubs/);
  assert.match(source(template.vars.get('tooManyHubsForStandard')), /length\(defenderTables\) > 10/);
});

test('the outputs give what Defender\'s portal asks for: the namespace resource id and the hub name', () => {
  const output = (name: string): Expr | undefined => template.outputs.get(name)?.value;
  assert.equal(source(output('eventHubNamespaceResourceId')), 'eventHubs.outputs.id');
  const eventHubs = templates().get('modules/eventHubs.bicep')!;
  const id = source(eventHubs.outputs.get('id')?.value);
  assert.equal(eventHubs.resources.get(id.replace(/\.id$/, ''))?.type, 'Microsoft.EventHub/namespaces');
  assert.equal(source(output('defenderEventHubName')), "eventHubLayout == 'single' ? eventHubName : ''");
  assert.equal(source(output('functionAppName')), 'functionApp.outputs.name');
});

test('the consumer group is created on every hub, unless it is the one every hub already has', () => {
  const eventHubs = templates().get('modules/eventHubs.bicep')!;
  const groups = [...eventHubs.resources.values()].find((resource) => resource.type === 'Microsoft.EventHub/namespaces/eventhubs/consumergroups');
  assert.equal(groups?.body.kind, 'for');
  if (groups?.body.kind !== 'for') return;
  assert.equal(source(groups.body.source), 'hubNames');
  assert.equal(source(groups.body.condition), "consumerGroup != '$Default'");
  assert.equal(source(property(groups.body.body, 'name')), 'consumerGroup');
});

test('the app runs on Flex Consumption, sized by the deployer\'s parameters', () => {
  const app = templates().get('modules/functionApp.bicep')!;
  const plan = [...app.resources.values()].find((resource) => resource.type === 'Microsoft.Web/serverfarms')!;
  assert.equal(literal(property(plan.body, 'sku.name')), 'FC1');
  assert.equal(literal(property(plan.body, 'sku.tier')), 'FlexConsumption');
  const site = [...app.resources.values()].find((resource) => resource.type === 'Microsoft.Web/sites')!;
  const scale = property(site.body, 'properties.functionAppConfig.scaleAndConcurrency');
  for (const name of ['instanceMemoryMB', 'maximumInstanceCount']) {
    assert.equal(source(property(scale, name)), name);
    assert.equal(source(property(template.modules.get('functionApp')?.body, `params.${name}`)), name);
    assert.ok(template.params.has(name));
  }
});
