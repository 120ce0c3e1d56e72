/**
 * The app as the Functions worker hosts it, for tests: a child process (workerProcess.ts) that loads the built
 * entry files with `@azure/functions-core` stood in for, and runs invocations through the library's own invocation
 * model. Start-up failures reject with what the process wrote to stderr.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LogLine, Registration, WorkerReply, WorkerRequest } from './protocol.js';

const WORKER = fileURLToPath(new URL('./workerProcess.js', import.meta.url));

export interface InvocationOutcome {
  readonly logs: readonly LogLine[];
  /** The handler's error as the worker reports it to the host; undefined when the invocation succeeded. */
  readonly failure?: string;
}

export interface TestWorker {
  readonly registrations: readonly Registration[];
  registration(name: string): Registration;
  /** Sends a StreamingMessage (see host.ts) and waits for the worker's answer. */
  invoke(functionName: string, streamingMessage: Uint8Array): Promise<InvocationOutcome>;
  /** Runs the appTerminate hooks, then ends the process. */
  stop(): Promise<void>;
}

export async function startWorker(env: Record<string, string | undefined>): Promise<TestWorker> {
  const child = fork(WORKER, [], {
    env: { PATH: process.env.PATH, TZ: process.env.TZ, ...env },
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.resume();
  const ready = await nextReply(child, () => stderr);
  if (ready.kind !== 'ready') throw new Error(`worker did not start: ${JSON.stringify(ready)}`);
  const registrations = ready.registrations;
  const request = async (message: WorkerRequest) => {
    const reply = nextReply(child, () => stderr);
    child.send(message);
    return reply;
  };
  return {
    registrations,
    registration: (name) =>
      registrations.find((registration) => registration.name === name) ?? unknownFunction(name, registrations),
    async invoke(functionName, streamingMessage) {
      const reply = await request({ kind: 'invoke', functionName, streamingMessage });
      if (reply.kind !== 'invoked') throw new Error(`worker failed: ${JSON.stringify(reply)}`);
      return { logs: reply.logs, ...(reply.failure !== undefined ? { failure: reply.failure } : {}) };
    },
    async stop() {
      await request({ kind: 'terminate' });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

function nextReply(child: ChildProcess, stderr: () => string): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      reject(Object.assign(new Error(`worker exited with ${code}`), { stderr: stderr() }));
    };
    const onMessage = (reply: WorkerReply) => {
      child.off('exit', onExit);
      resolve(reply);
    };
    child.once('exit', onExit);
    child.once('message', onMessage);
  });
}

function unknownFunction(name: string, registrations: readonly Registration[]): never {
  throw new Error(
    `no function ${name}; registered: ${registrations.map((registration) => registration.name).join(', ')}`,
  );
}
