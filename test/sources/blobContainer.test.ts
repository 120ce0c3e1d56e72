import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';
import { SecretValue } from '../../shared/types/secretValue.js';
import { listBlobFiles, type BlobAccess } from '../../cli/sources/blobContainer.js';
import { listSources } from '../../cli/sources/listSources.js';
import { readSourceFile } from '../../cli/sources/readSourceFile.js';
import type { SourceFile } from '../../cli/sources/sourceFile.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startSilentServer } from '../support/silentServer.js';
import { captureFile, captureName, exportContent, exportName, type ExportFile } from '../support/defenderFiles.js';
import { body, deviceEvent } from '../support/records.js';

const noIdentity = (): TokenCredential => {
  throw new Error('identity must not be used when a connection string or SAS is given');
};

let azurite: Azurite;
let access: BlobAccess;
const hours = [0, 1, 2].map((h) => new Date(Date.UTC(2026, 6, 18, 13 + h)));
const exports: ExportFile[] = hours.map((hour, h) => ({
  table: 'DeviceEvents',
  hour,
  lines: [deviceEvent(`h${h}-a`, 'absent', 'DeviceEvents'), deviceEvent(`h${h}-b`, 'null', 'DeviceEvents')],
}));

before(async () => {
  azurite = await startAzurite();
  access = { credential: noIdentity, connectionString: new SecretValue(azurite.connectionString) };
  const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  const container = service.getContainerClient('insights-logs-advancedhunting-deviceevents');
  await container.create();
  for (const file of exports) {
    const content = exportContent(file);
    await container
      .getBlockBlobClient(exportName(file).split('/').slice(1).join('/'))
      .upload(content, Buffer.byteLength(content));
  }
  const capture = service.getContainerClient('capture');
  await capture.create();
  const avro = await captureFile([body([deviceEvent('c1', 'absent')])]);
  await capture.getBlockBlobClient(captureName('defender', 3, hours[1]!)).upload(avro, avro.length);
});

after(() => azurite.stop());

const containerUrl = (name: string) => `${azurite.blobEndpoint}/${name}`;

async function texts(file: SourceFile): Promise<string[]> {
  const bodies: string[] = [];
  for await (const message of readSourceFile(file, () => undefined)) bodies.push(String(message.body));
  return bodies;
}

test('an export container lists one file per hour, in time order, each read as its records', async () => {
  const files = await listBlobFiles({ url: containerUrl('insights-logs-advancedhunting-deviceevents') }, access);
  assert.deepEqual(
    files.map((file) => file.window.start),
    hours.map((hour) => hour.getTime()),
  );
  assert.equal(files[0]!.bytes, Buffer.byteLength(exportContent(exports[0]!)));
  assert.match(
    files[0]!.key,
    /\/insights-logs-advancedhunting-deviceevents\/tenantId=.*\/y=2026\/m=07\/d=18\/h=13\/m=00\/PT1H\.json$/,
  );
  assert.deepEqual(await texts(files[2]!), [`{"records":[${exports[2]!.lines.join(',')}]}`]);
});

test('a prefix narrows the listing, and --since/--until keep the hours that overlap the range', async () => {
  const url = containerUrl('insights-logs-advancedhunting-deviceevents');
  const prefixed = await listBlobFiles({ url, prefix: 'tenantId=nobody/' }, access);
  assert.deepEqual(prefixed, []);
  const ranged = await listSources(
    {
      paths: [],
      blobs: [{ url }, { url: containerUrl('capture') }],
      since: new Date('2026-07-18T13:30:00Z'),
      until: new Date('2026-07-18T15:00:00Z'),
    },
    access,
  );
  assert.deepEqual(
    ranged.map((file) => new Date(file.window.start).toISOString()),
    ['2026-07-18T13:00:00.000Z', '2026-07-18T14:00:00.000Z', '2026-07-18T14:00:00.000Z'],
  );
  const capture = ranged[2]!;
  const messages = [];
  for await (const message of readSourceFile(capture, () => undefined)) messages.push(message);
  assert.deepEqual(
    { hub: messages[0]!.source.hub, partition: messages[0]!.source.partition },
    { hub: 'defender', partition: '3' },
  );
  assert.equal(messages[0]!.source.blob, capture.key);
});

test('a container URL with a SAS is read as it is, with no identity and no connection string', async () => {
  const [, accountName, accountKey] = /AccountName=([^;]+);AccountKey=([^;]+);/.exec(azurite.connectionString)!;
  const sas = generateBlobSASQueryParameters(
    {
      containerName: 'insights-logs-advancedhunting-deviceevents',
      permissions: ContainerSASPermissions.parse('rl'),
      expiresOn: new Date(Date.now() + 3_600_000),
    },
    new StorageSharedKeyCredential(accountName!, accountKey!),
  ).toString();
  const files = await listBlobFiles(
    { url: `${containerUrl('insights-logs-advancedhunting-deviceevents')}?${sas}` },
    { credential: noIdentity },
  );
  assert.equal(files.length, 3);
  assert.ok(!files[0]!.key.includes('sig='), 'the SAS never becomes part of a key, a dead letter or a log line');
  assert.deepEqual(await texts(files[1]!), [`{"records":[${exports[1]!.lines.join(',')}]}`]);
});

test('a container URL must be https (or loopback) and name a container', async () => {
  await assert.rejects(listBlobFiles({ url: 'http://example.blob.core.windows.net/c' }, access), /must be https/);
  await assert.rejects(listBlobFiles({ url: 'https://example.blob.core.windows.net/' }, access), /needs the container/);
  await assert.rejects(listBlobFiles({ url: 'not a url' }, access), /needs a container URL/);
});

test('a Blob store that takes the connection and never answers ends the listing at its time limit', {
  timeout: 10_000,
}, async () => {
  const silent = await startSilentServer();
  try {
    const url = `${silent.url}/devstoreaccount1/export?sv=2024-08-04&sr=c&sp=rl&sig=not-a-real-signature`;
    await assert.rejects(
      listBlobFiles({ url }, { credential: noIdentity, timeoutMs: 200 }),
      /Blob storage did not answer within 200 ms/,
    );
    assert.ok(silent.connections > 0);
  } finally {
    await silent.close();
  }
});
