/**
 * An Application Insights ingestion endpoint on loopback: it takes what the real SDK posts to /v2.1/track (gzip
 * JSON envelopes), answers as Azure Monitor does, and keeps every envelope for the test to read.
 *
 * The SDK also reaches out on its own: it asks the Azure VM metadata address who it runs on, reports its own health
 * to Microsoft (statsbeat), and polls Microsoft for settings a few seconds after it starts. keepSdkOnLoopback()
 * closes each of those doors and blocks, and lists, any connection that would still leave the machine.
 */
import net from 'node:net';
import type { ServerOptions } from 'node:https';
import { startServer, type RecordedRequest } from './httpServer.js';

export interface Envelope {
  readonly name: string;
  readonly iKey: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly data: { readonly baseType: string; readonly baseData: Record<string, unknown> };
}

export interface MetricPoint {
  readonly value: number;
  readonly count: number;
  readonly min?: number;
  readonly max?: number;
  readonly properties: Readonly<Record<string, string>>;
}

export interface TestIngestion {
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  envelopes(): Envelope[];
  /** Every exported point of the named metric, one per export and dimension set. */
  metricPoints(name: string): MetricPoint[];
  close(): Promise<void>;
}

export async function startIngestion(tls?: ServerOptions): Promise<TestIngestion> {
  const server = await startServer((request) => {
    if (request.method !== 'POST' || !request.path.startsWith('/v2.1/track')) return { status: 404 };
    const count = (JSON.parse(request.body) as unknown[]).length;
    return { status: 200, body: { itemsReceived: count, itemsAccepted: count, errors: [] } };
  }, tls);
  const envelopes = () => server.requests.flatMap((request) => JSON.parse(request.body) as Envelope[]);
  return {
    url: server.url,
    requests: server.requests,
    envelopes,
    metricPoints: (name) =>
      envelopes()
        .filter((envelope) => envelope.data.baseType === 'MetricData')
        .flatMap((envelope) => {
          const { metrics, properties } = envelope.data.baseData as {
            metrics: Omit<MetricPoint, 'properties'>[];
            properties: Record<string, string>;
          };
          return metrics
            .filter((metric) => (metric as { name?: string }).name === name)
            .map((metric) => ({ ...metric, properties }));
        }),
    close: () => server.close(),
  };
}

/** Adds up points whose dimensions include `where`: counters add values; histograms also add counts. */
export function total(
  points: readonly MetricPoint[],
  where: Readonly<Record<string, string>> = {},
): { value: number; count: number; max: number } {
  const matching = points.filter((point) =>
    Object.entries(where).every(([key, value]) => point.properties[key] === value),
  );
  return {
    value: matching.reduce((sum, point) => sum + point.value, 0),
    count: matching.reduce((sum, point) => sum + point.count, 0),
    max: Math.max(-Infinity, ...matching.map((point) => point.max ?? point.value)),
  };
}

export interface NetworkGuard {
  /** Hosts something in this process tried to connect to that are not on loopback (each one was refused). */
  readonly blocked: readonly string[];
}

/** Call before the SDK starts: the environment variables are read when it does. */
export async function keepSdkOnLoopback(): Promise<NetworkGuard> {
  const blocked: string[] = [];
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const host = destinationHost(args);
    if (host !== undefined && !isLoopbackHost(host)) {
      blocked.push(host);
      process.nextTick(() => this.destroy(new Error(`test network guard: ${host} is not on loopback`)));
      return this;
    }
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;

  // Settings polls go through the Azure SDK's proxy support: send them to a loopback port that hangs up.
  const refuser = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => refuser.listen(0, '127.0.0.1', resolve));
  refuser.unref();
  Object.assign(process.env, {
    // The Functions host sets this; without it the SDK asks the Azure VM metadata address (169.254.169.254).
    WEBSITE_SITE_NAME: 'dsf-telemetry-test',
    // The SDK's own health metrics go to Microsoft's ingestion, not ours.
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    HTTPS_PROXY: `http://127.0.0.1:${(refuser.address() as net.AddressInfo).port}`,
    NO_PROXY: '127.0.0.1,localhost',
  });
  return { blocked };
}

/** connect(options), connect([options, callback]) as http does internally, or connect(port, host). */
function destinationHost(args: readonly unknown[]): string | undefined {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'number') return typeof args[1] === 'string' ? args[1] : 'localhost';
  if (typeof first !== 'object' || first === null) return undefined;
  const { host, path } = first as { host?: string | null; path?: string | null };
  if (!host && path) return undefined; // a local socket file
  return host ?? 'localhost';
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
