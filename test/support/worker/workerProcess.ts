/**
 * The Node language worker's side of an invocation, in a process of its own as in Azure: it stands in for
 * `@azure/functions-core` (the module the worker injects), loads the app's entry files the way the worker loads
 * package.json's `main`, and runs each invocation the host sends the way the worker's InvocationHandler does
 * (Azure/azure-functions-nodejs-worker, src/eventHandlers/InvocationHandler.ts): the StreamingMessage is decoded by
 * @grpc/proto-loader with the worker's options (src/GrpcClient.ts: objects, defaults, oneofs), then the library's
 * own invocation model turns it into the handler's arguments, calls the handler and builds the response.
 *
 * The parent speaks to it over IPC: it is told its registrations, sends `invoke` and `terminate`, and reads back
 * the outcome and every log line the library wrote.
 */
import Module from 'node:module';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protoLoader from '@grpc/proto-loader';
import type { WorkerReply, WorkerRequest, Registration } from './protocol.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PROTO = `${ROOT}test/support/worker/functionRpc.proto`;

type Callback = (...args: unknown[]) => unknown;
interface ProgrammingModel {
  getInvocationModel(coreCtx: unknown): {
    getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
    invokeFunction(context: unknown, inputs: unknown[], handler: Callback): Promise<unknown>;
    getResponse(context: unknown, result: unknown): Promise<unknown>;
  };
}

let programmingModel: ProgrammingModel | undefined;
const functions = new Map<string, { metadata: Registration; callback: Callback }>();
const hooks = new Map<string, Callback[]>();
const core = {
  setProgrammingModel(model: ProgrammingModel) {
    programmingModel = model;
  },
  getProgrammingModel: () => programmingModel,
  registerFunction(metadata: Registration, callback: Callback) {
    functions.set(metadata.name, { metadata, callback });
    return { dispose() {} };
  },
  registerHook(name: string, callback: Callback) {
    hooks.set(name, [...(hooks.get(name) ?? []), callback]);
    return { dispose() {} };
  },
};

const moduleInternals = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
const load = moduleInternals._load;
moduleInternals._load = function (request: string, ...rest: unknown[]) {
  return request === '@azure/functions-core' ? core : load.call(this, request, ...rest);
};

const definition = protoLoader.loadSync(PROTO, { objects: true, defaults: true, oneofs: true });
const eventStream = (definition['AzureFunctionsRpcMessages.FunctionRpc'] as protoLoader.ServiceDefinition).EventStream!;

const send = (reply: WorkerReply) => process.send!(reply);

// package.json's main is dist/functions/*.js: the worker imports every match.
const functionsDir = `${ROOT}dist/functions/`;
for (const file of readdirSync(functionsDir)
  .filter((name) => name.endsWith('.js'))
  .sort()) {
  await import(`${functionsDir}${file}`);
}
send({ kind: 'ready', registrations: [...functions.values()].map((entry) => entry.metadata) });

process.on('message', (message: WorkerRequest) => {
  const handle = message.kind === 'invoke' ? invoke(message.functionName, message.streamingMessage) : terminate();
  handle.then(send, (error: Error) => send({ kind: 'crashed', message: error.stack ?? String(error) }));
});

async function invoke(functionName: string, streamingMessage: Uint8Array): Promise<WorkerReply> {
  const registered = functions.get(functionName);
  if (!registered || !programmingModel) throw new Error(`Function code for '${functionName}' is not loaded`);
  const { invocationRequest: request } = eventStream.responseDeserialize(Buffer.from(streamingMessage)) as {
    invocationRequest: { invocationId: string };
  };
  const logs: { level: string; category: string; message: string }[] = [];
  const coreCtx = {
    invocationId: request.invocationId,
    request,
    metadata: registered.metadata,
    state: undefined as string | undefined,
    log: (level: string, category: string, message: string) => logs.push({ level, category, message }),
  };
  const model = programmingModel.getInvocationModel(coreCtx);
  const { context, inputs } = await model.getArguments();
  let result: unknown;
  let failure: string | undefined;
  coreCtx.state = 'invocation';
  try {
    result = await model.invokeFunction(context, inputs, registered.callback);
  } catch (error) {
    failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } finally {
    coreCtx.state = undefined;
  }
  const response = failure === undefined ? await model.getResponse(context, result) : undefined;
  return { kind: 'invoked', logs, ...(failure === undefined ? { response } : { failure }) };
}

async function terminate(): Promise<WorkerReply> {
  for (const hook of hooks.get('appTerminate') ?? []) await hook({ hookData: {}, appHookData: {} });
  return { kind: 'terminated' };
}
