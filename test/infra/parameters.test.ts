import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { decorator, literal, property, source, type Expr } from '../support/bicep.js';
import { BicepFailure, Evaluation, type Value } from '../support/bicepEval.js';
import { INFRA, main, templates } from './templates.js';

const template = main();
const parameterFile = JSON.parse(readFileSync(new URL('main.parameters.json', INFRA), 'utf8')) as {
  parameters: Record<string, { value: unknown }>;
};

// The Streaming API's generally available tables (MicrosoftDocs/defender-docs, defender-xdr/supported-event-types.md).
const STREAMED_TABLES = [
  'AlertEvidence',
  'AlertInfo',
  'CloudAppEvents',
  'DeviceEvents',
  'DeviceFileCertificateInfo',
  'DeviceFileEvents',
  'DeviceImageLoadEvents',
  'DeviceInfo',
  'DeviceLogonEvents',
  'DeviceNetworkEvents',
  'DeviceNetworkInfo',
  'DeviceProcessEvents',
  'DeviceRegistryEvents',
  'EmailAttachmentInfo',
  'EmailEvents',
  'EmailPostDeliveryEvents',
  'EmailUrlInfo',
  'IdentityLogonEvents',
  'IdentityQueryEvents',
  'IdentityDirectoryEvents',
  'UrlClickEvents',
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

const bounds = (name: string) => {
  const param = template.params.get(name);
  assert.ok(param, `no parameter ${name}`);
  const bound = (decoratorName: string) => literal(decorator(param, decoratorName)?.args[0]);
  return param.type === 'int' ? [bound('minValue'), bound('maxValue')] : [bound('minLength'), bound('maxLength')];
};

test('limits a deployer may set wrongly are bounded where Azure bounds them', () => {
  // Flex Consumption: 1 to 1,000 instances (azure-functions/event-driven-scaling#limit-scale-out; 40 was the lowest
  // in 2025); instance memory 512, 2,048 or 4,096 MB (azure-functions/flex-consumption-plan#instance-sizes).
  assert.deepEqual(bounds('maximumInstanceCount'), [1, 1000]);
  const memory = decorator(template.params.get('instanceMemoryMB')!, 'allowed')?.args[0];
  assert.deepEqual(memory?.kind === 'array' ? memory.items.map(literal) : [], [512, 2048, 4096]);
  // Event Hubs quotas (event-hubs/event-hubs-quotas): 32 partitions a hub on Standard; 40 throughput units; events
  // kept 7 days on Standard, 90 on Premium (the tier-dependent limits are checked below).
  assert.deepEqual(bounds('eventHubPartitions'), [1, 32]);
  assert.deepEqual(bounds('eventHubsCapacity'), [1, 40]);
  assert.deepEqual(bounds('eventHubsMaxThroughputUnits'), [0, 40]);
  assert.deepEqual(bounds('eventHubRetentionHours'), [1, 2160]);
});

test('names Azure limits in length are limited to the same lengths', () => {
  // resource-name-rules: consumer group 1-50, event hub 1-256, blob container 3-63, table 3-63; Key Vault secret
  // names 1-127 (key-vault/general/about-keys-secrets-certificates#objects-identifiers-and-versioning).
  assert.deepEqual(bounds('consumerGroup'), [1, 50]);
  assert.deepEqual(bounds('eventHubName'), [1, 256]);
  assert.deepEqual(bounds('deadLetterContainer'), [3, 63]);
  assert.deepEqual(bounds('deviceDirectoryTable'), [3, 63]);
  assert.deepEqual(bounds('siemSecretName'), [1, 127]);
  assert.deepEqual(bounds('namePrefix'), [2, 8]);
  assert.equal(literal(decorator(template.params.get('defenderTables')!, 'minLength')?.args[0]), 1);
});

/** Evaluates every resource name, which is where the template checks what one parameter's decorators cannot. */
const deploy = (params: Record<string, Value>) => new Evaluation(template, params).variable('names');
const stopsWith = (params: Record<string, Value>, ...mentions: RegExp[]) =>
  assert.throws(
    () => deploy(params),
    (error: Error) => error instanceof BicepFailure && mentions.every((mention) => mention.test(error.message)),
    JSON.stringify(params),
  );
const elevenTables = [
  'AlertEvidence',
  'AlertInfo',
  'CloudAppEvents',
  'DeviceEvents',
  'DeviceFileEvents',
  'DeviceInfo',
  'DeviceLogonEvents',
  'DeviceNetworkEvents',
  'DeviceNetworkInfo',
  'DeviceProcessEvents',
  'DeviceRegistryEvents',
];

test('limits that depend on the Event Hubs tier stop the deployment at once, one message naming every problem', () => {
  assert.doesNotThrow(() => deploy({}));
  // Retention: 168 hours (7 days) on Standard, 2,160 (90 days) on Premium.
  assert.doesNotThrow(() => deploy({ eventHubRetentionHours: 168 }));
  stopsWith({ eventHubRetentionHours: 169 }, /eventHubRetentionHours/, /168/);
  assert.doesNotThrow(() => deploy({ eventHubsSku: 'Premium', eventHubRetentionHours: 2160 }));
  // Premium capacity: 1, 2, 4, 6, 8, 10, 12 or 16 processing units (event-hubs/configure-processing-units-premium-namespace).
  for (const units of [1, 2, 4, 6, 8, 10, 12, 16])
    assert.doesNotThrow(() => deploy({ eventHubsSku: 'Premium', eventHubsCapacity: units }));
  for (const units of [3, 5, 7, 9, 11, 13, 17, 40])
    stopsWith(
      { eventHubsSku: 'Premium', eventHubsCapacity: units },
      /eventHubsCapacity/,
      /1, 2, 4, 6, 8, 10, 12 or 16/,
    );
  assert.doesNotThrow(() => deploy({ eventHubsCapacity: 40 }));
  // Hubs: 10 a Standard namespace.
  stopsWith({ eventHubLayout: 'perTable', defenderTables: elevenTables }, /at most 10 hubs/);
  assert.doesNotThrow(() =>
    deploy({ eventHubLayout: 'perTable', defenderTables: elevenTables, eventHubsSku: 'Premium' }),
  );
  assert.doesNotThrow(() => deploy({ eventHubLayout: 'single', defenderTables: elevenTables }));
  // Every problem at once, in one message.
  stopsWith(
    { eventHubLayout: 'perTable', defenderTables: elevenTables, eventHubRetentionHours: 200, namePrefix: '--' },
    /10 hubs/,
    /eventHubRetentionHours/,
    /namePrefix/,
  );
});

test("per-table hubs: the default tables are streamed tables, fit a Standard namespace, and get Defender's hub names", () => {
  const tables = template.params.get('defenderTables')?.defaultValue;
  const names = tables?.kind === 'array' ? tables.items.map(literal) : [];
  assert.ok(names.length > 0 && names.length <= 10, `${names.length} tables`);
  assert.deepEqual(
    names.filter((name) => !STREAMED_TABLES.includes(String(name))),
    [],
  );
  const hubs = new Evaluation(template, { eventHubLayout: 'perTable' }).variable('hubNames');
  assert.deepEqual(
    hubs,
    names.map((table) => `insights-logs-advancedhunting-${String(table).toLowerCase()}`),
  );
});

test("the outputs give what Defender's portal asks for: the namespace resource id and the hub name", () => {
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
  const groups = [...eventHubs.resources.values()].find(
    (resource) => resource.type === 'Microsoft.EventHub/namespaces/eventhubs/consumergroups',
  );
  assert.equal(groups?.body.kind, 'for');
  if (groups?.body.kind !== 'for') return;
  assert.equal(source(groups.body.source), 'hubNames');
  assert.equal(source(groups.body.condition), "consumerGroup != '$Default'");
  assert.equal(source(property(groups.body.body, 'name')), 'consumerGroup');
});

test("the app runs on Flex Consumption, sized by the deployer's parameters", () => {
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
