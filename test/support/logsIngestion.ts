/**
 * The Azure Monitor Logs Ingestion API on loopback, as Microsoft Sentinel is fed: POST
 * /dataCollectionRules/{dcr}/streams/{stream}?api-version=2023-01-01 with a JSON array, a bearer token issued
 * for https://monitor.azure.com, at most 1 MB a call, 204 when accepted and 429 with Retry-After when throttled.
 */
import { JsonScanner } from '../../shared/unpack/jsonScanner.js';
import { startServer, type RecordedRequest, type Reply } from './httpServer.js';
import type { TestIdentity } from './managedIdentity.js';

export const MAX_CALL_BYTES = 1_000_000;

export interface LogsIngestionOptions {
  readonly identity: TestIdentity;
  readonly dcrImmutableId: string;
  /** Streams the rule declares. */
  readonly streams: readonly string[];
  /** The first this many calls are throttled. */
  readonly throttledCalls?: number;
}

export interface TestLogsIngestion {
  readonly url: string;
  /** stream -> record texts as they arrived. */
  readonly streams: Map<string, string[]>;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startLogsIngestion(options: LogsIngestionOptions): Promise<TestLogsIngestion> {
  const streams = new Map<string, string[]>();
  let calls = 0;
  const server = await startServer((request) => {
    const url = new URL(request.path, 'http://x');
    const match = /^\/dataCollectionRules\/([^/]+)\/streams\/([^/]+)$/.exec(url.pathname);
    if (request.method !== 'POST' || !match) return failure(404, 'NotFound', 'no such resource');
    if (url.searchParams.get('api-version') !== '2023-01-01')
      return failure(400, 'InvalidApiVersion', 'api-version must be 2023-01-01');
    if (request.headers.authorization !== `Bearer ${options.identity.tokenFor('https://monitor.azure.com')}`) {
      return failure(401, 'InvalidToken', 'the token is missing, invalid or not for https://monitor.azure.com');
    }
    if (decodeURIComponent(match[1]!) !== options.dcrImmutableId)
      return failure(404, 'DataCollectionRuleNotFound', 'unknown rule');
    const stream = decodeURIComponent(match[2]!);
    if (!options.streams.includes(stream))
      return failure(400, 'InvalidStream', `the rule declares no stream ${stream}`);
    if (request.wireBytes > MAX_CALL_BYTES || Buffer.byteLength(request.body) > MAX_CALL_BYTES) {
      return failure(413, 'ContentLengthLimitExceeded', 'a call carries at most 1 MB');
    }
    if (calls++ < (options.throttledCalls ?? 0))
      return { ...failure(429, 'TooManyRequests', 'throttled'), headers: { 'retry-after': '1' } };
    const records = arrayElements(request.body);
    if (!records) return failure(400, 'InvalidContent', 'the body must be a JSON array of objects');
    streams.set(stream, [...(streams.get(stream) ?? []), ...records]);
    return { status: 204, body: '' };
  });
  return { url: server.url, streams, requests: server.requests, close: () => server.close() };
}

function arrayElements(body: string): string[] | undefined {
  const texts: string[] = [];
  try {
    const scanner = new JsonScanner(body);
    scanner.forEachElement((start) => {
      if (scanner.peek() !== 0x7b) throw new Error('not an object');
      texts.push(body.slice(start, scanner.skipValue()));
    });
    scanner.expectEnd();
  } catch {
    return undefined;
  }
  return texts;
}

function failure(status: number, code: string, message: string): Reply {
  return { status, body: { error: { code, message } } };
}
