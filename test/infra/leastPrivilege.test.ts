import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { allTokens, decorator, keys, literal, property, source, type BicepFile } from '../support/bicep.js';
import { Evaluation, type Value } from '../support/bicepEval.js';
import { INFRA, main, roleAssignments, ROOT, templates } from './templates.js';

// Built-in role definition ids, the same in every tenant (learn.microsoft.com, "Azure built-in roles").
const ROLES = {
  'Azure Event Hubs Data Receiver': 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  'Key Vault Secrets Officer': 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
} as const;
const roleName = (id: string) => Object.entries(ROLES).find(([, guid]) => guid === id)?.[0] ?? `unknown role ${id}`;

const APP = 'identity.properties.principalId';
const files = templates();

test('the app identity holds exactly the roles it needs, each on the one resource it needs it for', () => {
  const granted = roleAssignments()
    .filter((assignment) => assignment.principal === APP)
    .map((assignment) => `${roleName(assignment.roleDefinitionId)} on ${assignment.scopeType}`)
    .sort();
  assert.deepEqual(granted, [
    'Azure Event Hubs Data Receiver on Microsoft.EventHub/namespaces',
    'Key Vault Secrets User on Microsoft.KeyVault/vaults',
    'Monitoring Metrics Publisher on Microsoft.Insights/components',
    'Storage Blob Data Owner on Microsoft.Storage/storageAccounts',
    'Storage Table Data Contributor on Microsoft.Storage/storageAccounts',
  ]);
});

test("the app's assignments are unconditional and typed ServicePrincipal, so a new identity is found at once", () => {
  for (const assignment of roleAssignments().filter((candidate) => candidate.principal === APP)) {
    assert.equal(assignment.condition, undefined, assignment.symbol);
    assert.equal(assignment.principalType, 'ServicePrincipal', assignment.symbol);
  }
});

test('people get a role only when the deployer names them, and only the one their task needs', () => {
  const people = roleAssignments().filter((assignment) => assignment.principal !== APP);
  const template = main();
  assert.deepEqual(
    people
      .map(
        (assignment) =>
          `${roleName(assignment.roleDefinitionId)} on ${assignment.scopeType} for ${assignment.principal}`,
      )
      .sort(),
    [
      'Azure Event Hubs Data Receiver on Microsoft.EventHub/namespaces for developerPrincipalId',
      'Key Vault Secrets Officer on Microsoft.KeyVault/vaults for secretsOfficerPrincipalId',
    ],
  );
  for (const assignment of people) {
    assert.match(assignment.condition ?? '', /^!empty\(\w+PrincipalId\)$/, assignment.symbol);
    assert.equal(
      literal(template.params.get(assignment.principal)?.defaultValue),
      '',
      `${assignment.principal} grants nobody by default`,
    );
  }
});

test("role assignments name their role through a variable holding the built-in role's id", () => {
  const assignments = roleAssignments();
  assert.ok(assignments.length >= 7);
  for (const assignment of assignments) {
    assert.ok(
      Object.values(ROLES).includes(assignment.roleDefinitionId as never),
      `${assignment.file} ${assignment.symbol}`,
    );
  }
});

// Names that would put a key or a key-bearing connection string into a template, a parameter or an output.
const KEY_MATERIAL =
  /listKeys|listConnectionStrings|listAccountSas|listServiceSas|listSecrets|AccountKey|SharedAccessKey|SharedAccessSignature|DefaultEndpointsProtocol|primaryKey|secondaryKey|InstrumentationKey|connection_?string/i;

test('no template, parameter file or azd file reads or writes a key or a connection string', () => {
  const found: string[] = [];
  for (const [path, file] of files) {
    for (const [index, token] of [...allTokens(file.tokens)].entries()) {
      if (token.kind !== 'identifier' && token.kind !== 'string') continue;
      if (KEY_MATERIAL.test(token.text) && !isApplicationInsightsTarget(file, index))
        found.push(`${path}:${token.line} ${token.text}`);
    }
  }
  for (const path of [
    'main.parameters.json',
    ...readdirSync(INFRA).filter((name) => name.endsWith('.json') && name !== 'main.parameters.json'),
  ]) {
    if (KEY_MATERIAL.test(readFileSync(new URL(path, INFRA), 'utf8'))) found.push(`infra/${path}`);
  }
  if (KEY_MATERIAL.test(readFileSync(new URL('azure.yaml', ROOT), 'utf8'))) found.push('azure.yaml');
  assert.deepEqual(found, []);
});

/**
 * Application Insights calls the name of the component to send to a "connection string"; with local
 * authentication disabled it admits nothing without an Entra token, so the app may know it. Only the setting's
 * name and the component's property are allowed through.
 */
function isApplicationInsightsTarget(file: BicepFile, index: number): boolean {
  const tokens = [...allTokens(file.tokens)];
  const token = tokens[index]!;
  if (token.text === 'APPLICATIONINSIGHTS_CONNECTION_STRING' && tokens[index + 1]?.text === ':') return true;
  const owner = tokens[index - 4];
  return (
    token.text === 'ConnectionString' &&
    tokens
      .slice(index - 3, index)
      .map((candidate) => candidate.text)
      .join('') === '.properties.' &&
    owner !== undefined &&
    file.resources.get(owner.text)?.type === 'Microsoft.Insights/components'
  );
}

test('every service but the Event Hubs namespace refuses local (key) authentication; the vault takes RBAC only', () => {
  const resource = (path: string, type: string) => {
    const found = [...files.get(path)!.resources.values()].find((candidate) => candidate.type === type);
    assert.ok(found, `${type} in ${path}`);
    return found.body;
  };
  assert.equal(
    literal(
      property(
        resource('modules/storage.bicep', 'Microsoft.Storage/storageAccounts'),
        'properties.allowSharedKeyAccess',
      ),
    ),
    false,
  );
  assert.equal(
    literal(
      property(
        resource('modules/storage.bicep', 'Microsoft.Storage/storageAccounts'),
        'properties.allowBlobPublicAccess',
      ),
    ),
    false,
  );
  assert.equal(
    literal(
      property(resource('modules/keyVault.bicep', 'Microsoft.KeyVault/vaults'), 'properties.enableRbacAuthorization'),
    ),
    true,
  );
  assert.equal(
    literal(
      property(resource('modules/monitoring.bicep', 'Microsoft.Insights/components'), 'properties.DisableLocalAuth'),
    ),
    true,
  );
  assert.equal(
    literal(
      property(
        resource('modules/monitoring.bicep', 'Microsoft.OperationalInsights/workspaces'),
        'properties.features.disableLocalAuth',
      ),
    ),
    true,
  );
});

/** disableLocalAuth of the namespace as deployed with these parameters of main.bicep (the rest their defaults). */
function namespaceDisablesLocalAuth(params: Record<string, Value> = {}): Value {
  const entry = new Evaluation(main(), params);
  const eventHubs = files.get('modules/eventHubs.bicep')!;
  const namespace = [...eventHubs.resources.values()].find(
    (candidate) => candidate.type === 'Microsoft.EventHub/namespaces',
  )!;
  const passed = entry.value(property(main().modules.get('eventHubs')?.body, 'params.allowLocalAuth')!);
  return new Evaluation(eventHubs, { allowLocalAuth: passed }).value(
    property(namespace.body, 'properties.disableLocalAuth')!,
  );
}

test("by default Defender's export can write: the namespace keeps its shared-access path, which the deployer may close", () => {
  // Azure Monitor's export to Event Hubs authorizes with the namespace's shared access policy (Manage, Send,
  // Listen), with no identity option (azure-monitor/platform/diagnostic-settings#destinations); Defender's export is
  // taken to run on it (docs/deploy.md, step 5).
  assert.equal(namespaceDisablesLocalAuth(), false);
  assert.equal(namespaceDisablesLocalAuth({ eventHubsAllowLocalAuth: false }), true);
});

test("the shared-access path hands nobody a key: no rule beyond the namespace's own, the app reads with its identity", () => {
  const rules = [...files].flatMap(([path, file]) =>
    [...file.resources.values()]
      .filter((resource) => /authorizationRules$/i.test(resource.type))
      .map((resource) => `${path} ${resource.type}`),
  );
  assert.deepEqual(rules, []);
  const settings = main().vars.get('appSettings');
  assert.equal(
    source(property(settings, 'EventHubConnection__fullyQualifiedNamespace')),
    'eventHubs.outputs.fullyQualifiedNamespace',
  );
  assert.equal(literal(property(settings, 'EventHubConnection__credential')), 'managedidentity');
  assert.deepEqual(
    keys(settings).filter((name) => /^EventHubConnection(__connectionString)?$/i.test(name)),
    [],
  );
  assert.ok(
    roleAssignments().some(
      (assignment) =>
        assignment.principal === APP && assignment.roleDefinitionId === ROLES['Azure Event Hubs Data Receiver'],
    ),
  );
});

test('the deployment package is fetched with the app identity, not a key', () => {
  const site = [...files.get('modules/functionApp.bicep')!.resources.values()].find(
    (candidate) => candidate.type === 'Microsoft.Web/sites',
  )!;
  const authentication = property(site.body, 'properties.functionAppConfig.deployment.storage.authentication');
  assert.equal(literal(property(authentication, 'type')), 'UserAssignedIdentity');
  assert.equal(source(property(authentication, 'userAssignedIdentityResourceId')), 'identityId');
  assert.equal(literal(property(site.body, 'identity.type')), 'UserAssigned');
});

test('secure parameters stay secure: nothing outputs them', () => {
  for (const [path, file] of files) {
    const secure = [...file.params].filter(([, param]) => decorator(param, 'secure')).map(([name]) => name);
    for (const [name, output] of file.outputs) {
      const used = [...allTokens(output.value.tokens)].filter(
        (token) => token.kind === 'identifier' && secure.includes(token.text),
      );
      assert.deepEqual(used, [], `${path} output ${name}`);
    }
  }
  assert.ok(decorator(main().params.get('siemSecret')!, 'secure'));
  assert.ok(decorator(files.get('modules/keyVault.bicep')!.params.get('secretValue')!, 'secure'));
});
