/**
 * The Functions host's side of an invocation: the InvocationRequest it sends the Node worker, built by the host's
 * own rules and serialized with the protocol's schema (functionRpc.proto).
 *
 * - Values become TypedData as GrpcMessageConversionExtensions.ToRpc does (Azure/azure-functions-host,
 *   src/WebJobs.Script.Grpc/MessageExtensions): byte[][] -> collectionBytes, string[] -> collectionString (empty
 *   entries dropped: the Node worker does not declare IncludeEmptyEntriesInMessagePayload), long[] ->
 *   collectionSint64 (the worker declares TypedDataCollection), and anything else -> json through Newtonsoft.
 * - An Event Hub trigger's data and metadata are what the extension binds (Azure/azure-sdk-for-net,
 *   Microsoft.Azure.WebJobs.Extensions.EventHubs, EventHubTriggerBindingStrategy.AddBindingData): the bodies as
 *   byte[] for dataType 'binary' and as UTF-8 strings for 'string'; PartitionContext; PartitionKeyArray,
 *   OffsetArray (strings), SequenceNumberArray (longs), EnqueuedTimeUtcArray (DateTime taken from
 *   EnqueuedTime.DateTime, so Newtonsoft writes it with no zone designator), PropertiesArray and
 *   SystemPropertiesArray.
 * - A timer trigger's data is the TimerInfo object as json.
 */
import { fileURLToPath } from 'node:url';
import protoLoader from '@grpc/proto-loader';
import type { Registration } from './protocol.js';

const PROTO = fileURLToPath(new URL('../../../../test/support/worker/functionRpc.proto', import.meta.url));
const eventStream = (
  protoLoader.loadSync(PROTO, { objects: true, defaults: true, oneofs: true })[
    'AzureFunctionsRpcMessages.FunctionRpc'
  ] as protoLoader.ServiceDefinition
).EventStream!;

type TypedData =
  | { string: string }
  | { json: string }
  | { collectionBytes: { bytes: Uint8Array[] } }
  | { collectionString: { string: string[] } }
  | { collectionSint64: { sint64: string[] } };

export interface HubEvent {
  readonly body: Uint8Array;
  readonly sequenceNumber: bigint;
  readonly offset: string;
  /** As the host writes it: `2026-11-23T09:00:00.1234567`, UTC with no designator (see dotNetDateTime). */
  readonly enqueuedTimeUtc: string;
  readonly partitionKey?: string;
}

export interface HubInvocation {
  readonly hub: string;
  readonly partition: string;
  readonly consumerGroup?: string;
  readonly events: readonly HubEvent[];
  readonly retryCount?: number;
  readonly invocationId?: string;
}

let invocations = 0;

/** The StreamingMessage the host sends to invoke `registration`, an Event Hub trigger, with these events. */
export function eventHubInvocation(registration: Registration, invocation: HubInvocation): Uint8Array {
  const [bindingName, binding] = triggerOf(registration, 'eventHubTrigger');
  const { events } = invocation;
  const bodies =
    binding.dataType === 'binary'
      ? bytesArray(events.map((event) => event.body))
      : binding.dataType === 'string'
        ? stringArray(events.map((event) => Buffer.from(event.body).toString('utf8')))
        : unmodelled(`dataType ${String(binding.dataType)}`);
  const triggerMetadata: Record<string, TypedData> = {
    PartitionContext: json({
      FullyQualifiedNamespace: 'forwarder-test.servicebus.windows.net',
      EventHubName: invocation.hub,
      ConsumerGroup: invocation.consumerGroup ?? '$Default',
      PartitionId: invocation.partition,
    }),
    PartitionKeyArray: stringArray(events.map((event) => event.partitionKey ?? '')),
    OffsetArray: stringArray(events.map((event) => event.offset)),
    SequenceNumberArray: { collectionSint64: { sint64: events.map((event) => event.sequenceNumber.toString()) } },
    EnqueuedTimeUtcArray: json(events.map((event) => event.enqueuedTimeUtc)),
    PropertiesArray: json(events.map(() => ({}))),
    SystemPropertiesArray: json(
      events.map((event) => ({
        'x-opt-sequence-number': Number(event.sequenceNumber),
        'x-opt-offset': Number(event.offset),
        'x-opt-enqueued-time': `${event.enqueuedTimeUtc}+00:00`,
        SequenceNumber: Number(event.sequenceNumber),
        Offset: Number(event.offset),
        PartitionKey: event.partitionKey ?? null,
        EnqueuedTimeUtc: event.enqueuedTimeUtc,
      })),
    ),
    sys: json({ MethodName: registration.name, UtcNow: dotNetDateTime(new Date()), RandGuid: crypto.randomUUID() }),
  };
  return streamingMessage(
    registration,
    bindingName,
    bodies,
    triggerMetadata,
    invocation.retryCount ?? 0,
    invocation.invocationId,
  );
}

/** The StreamingMessage the host sends when a timer fires. */
export function timerInvocation(registration: Registration): Uint8Array {
  const [bindingName] = triggerOf(registration, 'timerTrigger');
  const timerInfo = json({ Schedule: { AdjustForDST: true }, ScheduleStatus: null, IsPastDue: false });
  return streamingMessage(registration, bindingName, timerInfo, { sys: json({ MethodName: registration.name }) }, 0);
}

/** A DateTime of kind Unspecified as Newtonsoft writes it: seven fraction digits at most, trailing zeros dropped. */
export function dotNetDateTime(date: Date, ticks = ''): string {
  const fraction = `${String(date.getUTCMilliseconds()).padStart(3, '0')}${ticks}`.replace(/0+$/, '');
  return `${date.toISOString().slice(0, 19)}${fraction ? `.${fraction}` : ''}`;
}

function streamingMessage(
  registration: Registration,
  bindingName: string,
  data: TypedData,
  triggerMetadata: Record<string, TypedData>,
  retryCount: number,
  invocationId = `invocation-${++invocations}`,
): Uint8Array {
  return eventStream.responseSerialize({
    requestId: `request-${invocations}`,
    invocationRequest: {
      invocationId,
      functionId: registration.name,
      inputData: [{ name: bindingName, data }],
      triggerMetadata,
      traceContext: {
        traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        traceState: '',
        attributes: {},
      },
      retryContext: { retryCount, maxRetryCount: -1 },
    },
  });
}

function triggerOf(registration: Registration, type: string): [string, Readonly<Record<string, unknown>>] {
  const found = Object.entries(registration.bindings).find(([, binding]) => binding.type === type);
  return found ?? unmodelled(`${registration.name} has no ${type}`);
}

const bytesArray = (values: Uint8Array[]): TypedData => ({ collectionBytes: { bytes: values } });
const stringArray = (values: string[]): TypedData => ({
  collectionString: { string: values.filter((value) => value !== '') },
});
const json = (value: unknown): TypedData => ({ json: JSON.stringify(value) });

function unmodelled(what: string): never {
  throw new Error(`the test host does not model ${what}`);
}
