/** The messages between a test and the worker process (workerProcess.ts) that hosts the app. */

/** What the library registers for a function (@azure/functions' toCoreFunctionMetadata), as the worker keeps it. */
export interface Registration {
  readonly name: string;
  readonly bindings: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly retryOptions?: Readonly<Record<string, unknown>>;
}

export interface LogLine {
  readonly level: string;
  readonly category: string;
  readonly message: string;
}

export type WorkerRequest =
  | { readonly kind: 'invoke'; readonly functionName: string; readonly streamingMessage: Uint8Array }
  | { readonly kind: 'terminate' };

export type WorkerReply =
  | { readonly kind: 'ready'; readonly registrations: Registration[] }
  | { readonly kind: 'invoked'; readonly logs: LogLine[]; readonly response?: unknown; readonly failure?: string }
  | { readonly kind: 'terminated' }
  | { readonly kind: 'crashed'; readonly message: string };
