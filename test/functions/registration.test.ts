/**
 * What the Functions host would be told: the app's entry files run in a child process with @azure/functions-core
 * intercepted, the way the worker provides it, and the binding metadata they register is compared.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Registration } from '../support/worker/protocol.js';
import { startWorker } from '../support/worker/worker.js';

const BASE_ENV = {
  SIEM_URL: 'https://siem.example.com/in',
  SIEM_SECRET: 'not-logged',
  AzureWebJobsStorage__accountName: 'acct',
};

async function registrations(env: Record<string, string | undefined>): Promise<readonly Registration[]> {
  const worker = await startWorker({ ...BASE_ENV, ...env });
  await worker.stop();
  return worker.registrations;
}

function eventHubTriggers(list: readonly Registration[]) {
  return list.flatMap((registration) =>
    Object.values(registration.bindings)
      .filter((binding) => binding.type === 'eventHubTrigger')
      .map((binding) => ({ name: registration.name, binding, retry: registration.retryOptions })),
  );
}

test('one hub: one Event Hub trigger, batched, bodies as bytes, retried forever with backoff', async () => {
  const [trigger, ...others] = eventHubTriggers(
    await registrations({ EVENT_HUB_NAMES: 'insights-logs-advancedhunting' }),
  );
  assert.equal(others.length, 0);
  assert.equal(trigger?.name, 'forward-insights-logs-advancedhunting');
  assert.deepEqual(
    {
      eventHubName: trigger?.binding.eventHubName,
      connection: trigger?.binding.connection,
      cardinality: trigger?.binding.cardinality,
      dataType: trigger?.binding.dataType,
      consumerGroup: trigger?.binding.consumerGroup,
      direction: trigger?.binding.direction,
    },
    {
      eventHubName: 'insights-logs-advancedhunting',
      connection: 'EventHubConnection',
      cardinality: 'many',
      dataType: 'binary',
      consumerGroup: '$Default',
      direction: 'in',
    },
  );
  assert.deepEqual(
    {
      strategy: trigger?.retry?.strategy,
      maxRetryCount: trigger?.retry?.maxRetryCount,
      minimumInterval: trigger?.retry?.minimumInterval,
      maximumInterval: trigger?.retry?.maximumInterval,
    },
    {
      strategy: 'exponentialBackoff',
      maxRetryCount: -1,
      minimumInterval: { seconds: 10 },
      maximumInterval: { seconds: 300 },
    },
  );
});

test('several hubs: one trigger each, all with the configured consumer group', async () => {
  const triggers = eventHubTriggers(
    await registrations({
      EVENT_HUB_NAMES: 'insights-logs-advancedhunting-deviceinfo, insights-logs-advancedhunting-deviceprocessevents',
      EVENT_HUB_CONSUMER_GROUP: 'siem-forwarder',
    }),
  );
  assert.deepEqual(
    triggers.map((trigger) => [trigger.name, trigger.binding.eventHubName, trigger.binding.consumerGroup]),
    [
      [
        'forward-insights-logs-advancedhunting-deviceinfo',
        'insights-logs-advancedhunting-deviceinfo',
        'siem-forwarder',
      ],
      [
        'forward-insights-logs-advancedhunting-deviceprocessevents',
        'insights-logs-advancedhunting-deviceprocessevents',
        'siem-forwarder',
      ],
    ],
  );
});

test('a bad configuration stops start-up with one message naming every problem, and no secret', async () => {
  const failure = await registrations({ EVENT_HUB_NAMES: '', SIEM_URL: 'ftp://x', SIEM_SECRET: 'hunter2' }).then(
    () => assert.fail('start-up should have failed'),
    (error: { stderr: string }) => error.stderr,
  );
  assert.match(
    failure,
    /Invalid configuration:\n {2}- EVENT_HUB_NAMES is required[^\n]*\n {2}- SIEM_URL must be https/,
  );
  assert.doesNotMatch(failure, /hunter2/);
});

test('the timers are registered only when their schedules are set: redrive and device directory refresh', async () => {
  const timers = (list: readonly Registration[]) =>
    list.flatMap((registration) =>
      Object.values(registration.bindings)
        .filter((binding) => binding.type === 'timerTrigger')
        .map((binding) => [registration.name, binding.schedule]),
    );
  const hub = { EVENT_HUB_NAMES: 'insights-logs-advancedhunting' };
  assert.deepEqual(timers(await registrations(hub)), []);
  assert.deepEqual(timers(await registrations({ ...hub, REDRIVE_SCHEDULE: '0 */15 * * * *' })), [
    ['redrive', '0 */15 * * * *'],
  ]);
  assert.deepEqual(timers(await registrations({ ...hub, DEVICE_DIRECTORY_REFRESH_SCHEDULE: '0 0 */6 * * *' })), [
    ['device-directory-refresh', '0 0 */6 * * *'],
  ]);
});
