// The package is CommonJS without named ESM exports, so it is imported whole.
import azureFunctions, { type EventHubFunctionOptions } from '@azure/functions';
import { forwarderApp } from '../shared/app/functionsApp.js';
import { triggerRetry } from '../shared/app/holdPolicy.js';

const forwarder = forwarderApp(process.env);
const { app } = azureFunctions;

for (const hub of forwarder.hubs) {
  const options: EventHubFunctionOptions & { dataType: 'string' } = {
    connection: 'EventHubConnection',
    eventHubName: hub.name,
    consumerGroup: forwarder.config.eventHubs.consumerGroup,
    cardinality: 'many',
    // Without it the host parses bodies itself: a non-JSON body fails the whole batch and big numbers lose digits.
    dataType: 'string',
    retry: triggerRetry,
    handler: forwarder.handleEvents,
  };
  app.eventHub(hub.functionName, options);
}

app.hook.appTerminate(() => forwarder.telemetry.shutdown());
