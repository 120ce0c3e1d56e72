/**
 * Every registered function, invoked the way Azure runs it: the built entry files loaded by a worker process with
 * `@azure/functions-core` stood in for, and each invocation sent as the host sends it (test/support/worker/host.ts:
 * the host's TypedData rules and the Event Hubs extension's binding data), decoded with the worker's protobuf
 * options and turned into arguments by @azure/functions' own invocation model. Real parts behind it: a SIEM on
 * loopback, Azurite for dead letters and the device directory, a managed-identity endpoint and the Defender API.
 *
 * The worker runs in Asia/Tokyo, so a time read in the local zone shows.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { ndjsonLines, startServer, type TestServer } from '../support/httpServer.js';
import { startManagedIdentity, type TestIdentity } from '../support/managedIdentity.js';
import { body, recordText } from '../support/records.js';
import { eventHubInvocation, timerInvocation, type HubEvent } from '../support/worker/host.js';
import { startWorker, type TestWorker } from '../support/worker/worker.js';

const HUB = 'insights-logs-advancedhunting';
const FUNCTION = `forward-${HUB}`;
const DEFENDER_RESOURCE = 'https://api.securitycenter.microsoft.com';
const SECRET = 'seam-secret';

/** Text that any parse-and-serialize changes: 19-digit integers, a float written with its zero, an exponent,
 * escapes, a negative zero and a repeated member. */
const FRAGILE = [
  '"ReportId":6391998037700000001',
  '"AppGuardContainerId":"",',
  '"InitiatingProcessId":9007199254740993',
  '"Ratio":1.0',
  '"Tiny":1E-7',
  '"Zero":-0',
  '"Path":"C:\\\\Windows\\\\caf\\u00e9 \\ud83d\\ude00"',
  '"Dup":1,"Dup":2',
].map((member) => member.replace(/,$/, ''));

let azurite: Azurite;
let identity: TestIdentity;
let siem: TestServer;
let defender: TestServer;
let worker: TestWorker;
let workerEnv: Record<string, string>;
let refusing = false;

before(async () => {
  [azurite, identity] = await Promise.all([startAzurite(), startManagedIdentity()]);
  siem = await startServer((request) =>
    request.headers.authorization !== `Bearer ${SECRET}`
      ? { status: 401 }
      : refusing && request.body.includes('refuse-me')
        ? { status: 400, body: { error: 'refused' } }
        : { status: 200 },
  );
  defender = await startServer((request) =>
    request.headers.authorization === `Bearer ${identity.tokenFor(DEFENDER_RESOURCE)}`
      ? {
          status: 200,
          body: { value: [{ id: 'machine-9', computerDnsName: 'm9.contoso.local', rbacGroupName: 'Tier0' }] },
        }
      : { status: 401, body: {} },
  );
  workerEnv = {
    ...identity.env,
    TZ: 'Asia/Tokyo',
    EVENT_HUB_NAMES: HUB,
    SIEM_URL: `${siem.url}/ingest`,
    SIEM_SECRET: SECRET,
    SIEM_RETRY_INITIAL_MS: '1',
    SIEM_RETRY_MAX_MS: '5',
    AzureWebJobsStorage: azurite.connectionString,
    DEAD_LETTER_STORAGE: azurite.connectionString,
    REDRIVE_SCHEDULE: '0 */15 * * * *',
    DEVICE_DIRECTORY_REFRESH_SCHEDULE: '0 0 */6 * * *',
    DEFENDER_API_URL: defender.url,
  };
  worker = await startWorker(workerEnv);
});
after(async () => {
  await worker?.stop();
  await Promise.all([azurite?.stop(), identity?.close(), siem?.close(), defender?.close()]);
});
beforeEach(() => {
  siem.requests.length = 0;
  refusing = false;
});

let sequence = 4_294_967_296n;
function events(bodies: readonly string[], enqueuedTimeUtc = '2026-11-23T09:00:00.1234567'): HubEvent[] {
  return bodies.map((text) => {
    const sequenceNumber = sequence++;
    return { body: Buffer.from(text), sequenceNumber, offset: String(sequenceNumber * 1024n), enqueuedTimeUtc };
  });
}

async function invokeHub(bodies: readonly string[], options: { enqueuedTimeUtc?: string; dataType?: 'string' } = {}) {
  const registration = worker.registration(FUNCTION);
  const trigger = options.dataType
    ? {
        ...registration,
        bindings: Object.fromEntries(
          Object.entries(registration.bindings).map(([name, binding]) => [
            name,
            { ...binding, dataType: options.dataType },
          ]),
        ),
      }
    : registration;
  return worker.invoke(
    FUNCTION,
    eventHubInvocation(trigger, { hub: HUB, partition: '7', events: events(bodies, options.enqueuedTimeUtc) }),
  );
}

async function letters(): Promise<Record<string, unknown>[]> {
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('dead-letter');
  const found: Record<string, unknown>[] = [];
  if (!(await container.exists())) return found;
  for await (const blob of container.listBlobsFlat()) {
    found.push(
      JSON.parse((await container.getBlobClient(blob.name).downloadToBuffer()).toString()) as Record<string, unknown>,
    );
    await container.deleteBlob(blob.name);
  }
  return found;
}

function delivered(): string[] {
  return siem.requests.flatMap(ndjsonLines).sort();
}

test('the Event Hub trigger asks the host for the bodies as bytes, many at a time', () => {
  const triggers = worker.registrations.flatMap((registration) =>
    Object.values(registration.bindings).filter((binding) => binding.type === 'eventHubTrigger'),
  );
  assert.deepEqual(
    triggers.map((binding) => [binding.eventHubName, binding.cardinality, binding.dataType]),
    [[HUB, 'many', 'binary']],
  );
});

test("records reach the SIEM byte for byte through the library's conversion of the host's data", async () => {
  const sent = [
    recordText({ table: 'AlertInfo', properties: FRAGILE.join(',') }),
    recordText({
      table: 'DeviceProcessEvents',
      properties: `"DeviceId":"d1","MachineGroup":"Servers",${FRAGILE.join(',')}`,
    }),
    recordText({ table: 'EmailEvents', properties: `"NetworkMessageId":"n-1",${FRAGILE.slice(0, 4).join(',')}` }),
  ];
  const outcome = await invokeHub([body(sent.slice(0, 2)), `\ufeff${body(sent.slice(2))}`]);

  assert.equal(outcome.failure, undefined);
  assert.deepEqual(delivered(), [...sent].sort());
});

test('the first invocation of a worker says in the log which body type the trigger delivers', async () => {
  const fresh = await startWorker(workerEnv);
  try {
    const invoke = () =>
      fresh.invoke(
        FUNCTION,
        eventHubInvocation(fresh.registration(FUNCTION), {
          hub: HUB,
          partition: '0',
          events: events([body([recordText({ table: 'AlertInfo' })])]),
        }),
      );
    const bodyTypeLines = (logs: readonly { message: string }[]) =>
      logs.filter((line) => line.message.includes('event bodies'));
    const [first, second] = [await invoke(), await invoke()];
    assert.match(
      bodyTypeLines(first.logs)
        .map((line) => line.message)
        .join('\n'),
      /event bodies arrive as bytes/,
    );
    assert.deepEqual(bodyTypeLines(second.logs), []);
  } finally {
    await fresh.stop();
  }
});

test('bodies the host already parsed are still forwarded, with a fidelity warning that names the fix', async () => {
  const outcome = await invokeHub(
    [body([recordText({ table: 'AlertInfo', properties: '"ReportId":6391998037700000001' })])],
    { dataType: 'string' },
  );

  assert.equal(outcome.failure, undefined);
  assert.deepEqual(delivered(), [recordText({ table: 'AlertInfo', properties: '"ReportId":6391998037700000000' })]);
  const warnings = outcome.logs.filter((line) => line.level === 'warning' && /already parsed/.test(line.message));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, /dataType.*binary/);
});

test('a dead letter names the message as the host did: sequence numbers past 2^32, the enqueued time in UTC', async () => {
  const first = sequence;
  const outcome = await invokeHub(['{"records":[ not json'], { enqueuedTimeUtc: '2026-11-23T09:00:00.1234567' });

  assert.equal(outcome.failure, undefined);
  const [letter, ...others] = await letters();
  assert.equal(others.length, 0);
  assert.deepEqual(letter?.source, {
    hub: HUB,
    partition: '7',
    sequenceNumbers: [Number(first)],
    enqueuedTime: '2026-11-23T09:00:00.123Z',
  });
});

test('the redrive timer, fired as the host fires it, sends a refused record again once the SIEM takes it', async () => {
  refusing = true;
  const record = recordText({ table: 'AlertInfo', properties: '"Title":"refuse-me"' });
  await invokeHub([body([record])]);
  refusing = false;
  siem.requests.length = 0;

  const outcome = await worker.invoke('redrive', timerInvocation(worker.registration('redrive')));

  assert.equal(outcome.failure, undefined);
  assert.deepEqual(delivered(), [record]);
  assert.deepEqual(await letters(), []);
});

test('the device directory timer, fired as the host fires it, learns groups the next invocation splices in', async () => {
  const refresh = await worker.invoke(
    'device-directory-refresh',
    timerInvocation(worker.registration('device-directory-refresh')),
  );
  assert.equal(refresh.failure, undefined);
  assert.equal(defender.requests.length, 1);

  await invokeHub([
    body([recordText({ table: 'DeviceProcessEvents', properties: '"DeviceId":"machine-9","MachineGroup":null' })]),
  ]);
  assert.deepEqual(delivered(), [
    recordText({ table: 'DeviceProcessEvents', properties: '"DeviceId":"machine-9","MachineGroup":"Tier0"' }),
  ]);
});
